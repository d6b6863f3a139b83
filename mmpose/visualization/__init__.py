"""Visualisation (drawing predictions)."""

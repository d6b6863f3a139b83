"""Shared fixtures: paths to the real samples (skip when absent) and synthetic data."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / 'shared' / 'data' / 'samples'


@pytest.fixture(scope='session')
def samples() -> Path:
    """``../shared/data/samples`` (tests using it skip when it is absent)."""
    if not SAMPLES.is_dir():
        pytest.skip('real samples (../shared/data/samples) not available')
    return SAMPLES

"""Training losses."""
from .joints_mse_loss import JointsMSELoss

__all__ = ['JointsMSELoss']

"""Training losses."""
from .joints_mse_loss import JointsMSELoss
from .proto_losses import PixelPrototypeCELoss

__all__ = ['JointsMSELoss', 'PixelPrototypeCELoss']

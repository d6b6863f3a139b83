import pytest
import torch
import torch.nn.functional as F

from mmpose.models.losses import JointsMSELoss
from mmpose.registry import MODELS


def _loss_0x(output, target, target_weight, use_target_weight=True):
    """mmpose 0.x JointsMSELoss: mean over joints of MSELoss(pred * w, gt * w)."""
    N, K = output.shape[:2]
    pred, gt = output.reshape(N, K, -1), target.reshape(N, K, -1)
    w = target_weight.reshape(N, K, 1)
    loss = 0.
    for k in range(K):
        if use_target_weight:
            loss += F.mse_loss(pred[:, k] * w[:, k], gt[:, k] * w[:, k])
        else:
            loss += F.mse_loss(pred[:, k], gt[:, k])
    return loss / K


def test_facts():
    loss = MODELS.build(dict(type='JointsMSELoss', use_target_weight=True))
    zeros, ones = torch.zeros(1, 2, 4, 4), torch.ones(1, 2, 4, 4)
    assert loss(zeros, zeros, torch.ones(1, 2)).item() == 0.
    assert loss(ones, zeros, torch.ones(1, 2)).item() == 1.
    half = torch.cat([torch.ones(1, 1, 4, 4), torch.zeros(1, 1, 4, 4)], dim=1)
    assert loss(half, zeros, torch.ones(1, 2)).item() == 0.5
    # invisible joint does not count
    assert loss(ones, zeros, torch.tensor([[1., 0.]])).item() == 0.5


@pytest.mark.parametrize('use_target_weight', [True, False])
def test_matches_0x_definition(use_target_weight):
    torch.manual_seed(0)
    output, target = torch.rand(3, 4, 8, 6), torch.rand(3, 4, 8, 6)
    weight = torch.rand(3, 4, 1)
    loss = JointsMSELoss(use_target_weight, loss_weight=2.)
    expected = 2. * _loss_0x(output, target, weight, use_target_weight)
    torch.testing.assert_close(loss(output, target, weight), expected)
    # (N, K) and (N, K, 1) weights are the same
    torch.testing.assert_close(loss(output, target, weight[..., 0]), expected)


def test_errors():
    x = torch.zeros(2, 3, 4, 4)
    with pytest.raises(ValueError, match='needs target_weight'):
        JointsMSELoss()(x, x)
    with pytest.raises(ValueError, match='does not match'):
        JointsMSELoss()(x, x, torch.ones(2, 4))
    with pytest.raises(ValueError, match='differ in shape'):
        JointsMSELoss()(x, x[:, :2], torch.ones(2, 3))

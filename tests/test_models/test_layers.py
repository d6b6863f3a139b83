import pytest
import torch
import torch.nn.functional as F

from mmpose.models.layers import (
    Attention,
    Block,
    DropPath,
    Mlp,
    MoEMlp,
    PatchEmbed,
    resize_pos_embed,
)

C, HIDDEN, E, P = 64, 256, 3, 16


def _moe(dense: bool = False) -> MoEMlp:
    torch.manual_seed(0)
    return MoEMlp(C, HIDDEN, num_experts=E, part_features=P, dense=dense)


# --- DropPath -------------------------------------------------------------------------------


def test_drop_path_identity_in_eval_and_at_zero():
    x = torch.randn(8, 5, 4)
    layer = DropPath(0.5).eval()
    assert torch.equal(layer(x), x)
    assert torch.equal(DropPath(0.).train()(x), x)


def test_drop_path_drops_whole_samples_and_rescales():
    torch.manual_seed(0)
    x = torch.ones(4000, 3, 2)
    out = DropPath(0.25).train()(x)
    per_sample = out.flatten(1)
    # each sample is either dropped entirely or kept and scaled by 1 / (1 - p)
    kept = per_sample[:, 0] != 0
    assert torch.all(per_sample[~kept] == 0)
    assert torch.allclose(per_sample[kept], torch.full_like(per_sample[kept], 1 / 0.75))
    assert abs(kept.float().mean().item() - 0.75) < 0.03


def test_drop_path_rejects_bad_rate():
    with pytest.raises(ValueError, match='drop_prob'):
        DropPath(1.)


# --- Mlp / MoEMlp ---------------------------------------------------------------------------


def test_mlp_keys_shape_and_ignores_expert_idx():
    mlp = Mlp(C, HIDDEN)
    assert set(mlp.state_dict()) == {'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias'}
    x = torch.randn(2, 7, C)
    assert torch.equal(mlp(x), mlp(x, expert_idx=torch.tensor([0, 5])))
    assert Mlp(C, HIDDEN, out_features=10)(x).shape == (2, 7, 10)


def test_moe_mlp_keys_and_shapes():
    moe = _moe()
    shapes = {k: tuple(v.shape) for k, v in moe.state_dict().items()}
    expected = {
        'fc1.weight': (HIDDEN, C), 'fc1.bias': (HIDDEN, ),
        'fc2.weight': (C - P, HIDDEN), 'fc2.bias': (C - P, ),
    }
    for e in range(E):
        expected.update({f'experts.{e}.weight': (P, HIDDEN), f'experts.{e}.bias': (P, )})
    assert shapes == expected
    out = moe(torch.randn(4, 7, C), torch.tensor([2, 0, 1, 2]))
    assert out.shape == (4, 7, C)


@pytest.mark.parametrize('expert_idx', [[0, 1, 2, 0, 2], [2, 2, 2, 2, 2], [1, 0, 0, 1, 1]])
def test_grouped_moe_equals_dense(expert_idx):
    # float64 so that the only difference left is the formulation, not summation order
    grouped, dense = _moe(dense=False).double(), _moe(dense=True).double()
    idx = torch.tensor(expert_idx)
    x = torch.randn(len(expert_idx), 7, C, dtype=torch.float64)
    xg, xd = x.clone().requires_grad_(), x.clone().requires_grad_()
    weight = torch.randn_like(x)
    out_g, out_d = grouped(xg, idx), dense(xd, idx)
    torch.testing.assert_close(out_g, out_d, atol=1e-6, rtol=0)
    (out_g * weight).sum().backward()
    (out_d * weight).sum().backward()
    torch.testing.assert_close(xg.grad, xd.grad, atol=1e-6, rtol=0)
    for (name, pg), pd in zip(grouped.named_parameters(), dense.parameters()):
        torch.testing.assert_close(pg.grad, pd.grad, atol=1e-6, rtol=0, msg=name)


def test_grouped_moe_gives_unused_expert_a_zero_grad():
    # an expert without samples still takes part in the graph (DDP needs no unused-param search)
    moe = _moe()
    moe(torch.randn(3, 5, C), torch.tensor([0, 0, 2])).sum().backward()
    grad = moe.experts[1].weight.grad
    assert grad is not None and torch.count_nonzero(grad) == 0
    assert torch.count_nonzero(moe.experts[0].weight.grad) > 0


@pytest.mark.parametrize('e', range(E))
def test_moe_equals_mlp_with_expert_merged_into_fc2(e):
    moe = _moe()
    mlp = Mlp(C, HIDDEN)
    mlp.fc1.load_state_dict(moe.fc1.state_dict())
    with torch.no_grad():
        mlp.fc2.weight.copy_(torch.cat([moe.fc2.weight, moe.experts[e].weight], 0))
        mlp.fc2.bias.copy_(torch.cat([moe.fc2.bias, moe.experts[e].bias], 0))
    x = torch.randn(6, 5, C)
    idx = torch.tensor([0, 1, 2, e, e, e])
    torch.testing.assert_close(moe(x, idx)[3:], mlp(x[3:]), atol=1e-6, rtol=0)


@pytest.mark.parametrize('dense', [False, True])
@pytest.mark.parametrize('bad', [E, -1, 10])
def test_moe_rejects_out_of_range_expert(dense, bad):
    moe = _moe(dense)
    with pytest.raises(ValueError, match=rf'\[{bad}\] out of range'):
        moe(torch.randn(2, 3, C), torch.tensor([0, bad]))


def test_moe_requires_expert_idx_of_right_shape():
    moe = _moe()
    x = torch.randn(2, 3, C)
    with pytest.raises(ValueError, match='needs expert_idx'):
        moe(x)
    with pytest.raises(ValueError, match='shape'):
        moe(x, torch.tensor([0, 1, 2]))
    with pytest.raises(ValueError, match='LongTensor'):
        moe(x, torch.tensor([0., 1.]))


def test_moe_rejects_bad_part_features():
    with pytest.raises(ValueError, match='part_features'):
        MoEMlp(C, HIDDEN, num_experts=2, part_features=C)


# --- Attention ------------------------------------------------------------------------------


def test_sdpa_attention_equals_explicit_softmax():
    torch.manual_seed(0)
    heads = 4
    attn = Attention(C, heads, qkv_bias=True).eval()
    x = torch.randn(3, 12, C)
    B, N, _ = x.shape
    q, k, v = attn.qkv(x).reshape(B, N, 3, heads, C // heads).permute(2, 0, 3, 1, 4)
    weights = ((q * (C // heads)**-0.5) @ k.transpose(-2, -1)).softmax(-1)
    expected = attn.proj((weights @ v).transpose(1, 2).reshape(B, N, C))
    torch.testing.assert_close(attn(x), expected, atol=1e-5, rtol=0)
    assert set(attn.state_dict()) == {'qkv.weight', 'qkv.bias', 'proj.weight', 'proj.bias'}
    assert 'qkv.bias' not in Attention(C, heads, qkv_bias=False).state_dict()


def test_attention_rejects_indivisible_heads():
    with pytest.raises(ValueError, match='divisible'):
        Attention(C, 5)


# --- Block ----------------------------------------------------------------------------------


def test_block_default_mlp_and_injected_moe():
    x = torch.randn(2, 6, C)
    plain = Block(C, 4, qkv_bias=True)
    assert isinstance(plain.mlp, Mlp)
    assert plain(x).shape == x.shape
    moe = Block(C, 4, ffn_layer=dict(type='MoEMlp', num_experts=E, part_features=P))
    assert isinstance(moe.mlp, MoEMlp) and moe.mlp.fc1.out_features == 4 * C
    assert moe(x, torch.tensor([0, 2])).shape == x.shape
    assert {k.split('.')[0] for k in moe.state_dict()} == {'norm1', 'attn', 'norm2', 'mlp'}


def test_block_rejects_ffn_keys_it_owns():
    with pytest.raises(ValueError, match='hidden_features'):
        Block(C, 4, ffn_layer=dict(type='Mlp', hidden_features=10))


# --- PatchEmbed / pos embed -----------------------------------------------------------------


@pytest.mark.parametrize('img_size, grid', [((256, 192), (16, 12)), ((64, 48), (4, 3))])
def test_patch_embed_grid_and_vitpose_padding(img_size, grid):
    embed = PatchEmbed(img_size, 16, 3, 32)
    assert embed.proj.padding == (2, 2) and embed.proj.stride == (16, 16)
    assert embed.num_patches == grid[0] * grid[1]
    assert embed.grid_size == grid
    tokens, out_grid = embed(torch.randn(2, 3, *img_size))
    assert out_grid == grid and tokens.shape == (2, grid[0] * grid[1], 32)
    assert PatchEmbed(img_size, 16, 3, 32, ratio=2).proj.padding == (4, 4)


def test_resize_pos_embed_square_source_to_vitpose_grid():
    torch.manual_seed(0)
    extra = torch.randn(1, 1, 8)
    const = torch.full((1, 14 * 14, 8), 0.5)
    out = resize_pos_embed(torch.cat([extra, const], 1), None, (16, 12))
    assert out.shape == (1, 1 + 16 * 12, 8)
    assert torch.equal(out[:, :1], extra)
    torch.testing.assert_close(out[:, 1:], torch.full((1, 192, 8), 0.5))


def test_resize_pos_embed_matches_bicubic_interpolation():
    torch.manual_seed(0)
    pos = torch.randn(1, 1 + 4 * 3, 8)
    out = resize_pos_embed(pos, (4, 3), (8, 6))
    grid = pos[:, 1:].reshape(1, 4, 3, 8).permute(0, 3, 1, 2)
    ref = F.interpolate(grid, size=(8, 6), mode='bicubic', align_corners=False)
    torch.testing.assert_close(out[:, 1:], ref.flatten(2).transpose(1, 2))
    assert resize_pos_embed(pos, (4, 3), (4, 3)) is pos


def test_resize_pos_embed_rejects_inconsistent_grid():
    pos = torch.randn(1, 1 + 12, 8)
    with pytest.raises(ValueError, match='square'):
        resize_pos_embed(pos, None, (4, 4))
    with pytest.raises(ValueError, match='does not match'):
        resize_pos_embed(pos, (5, 3), (4, 4))


def test_explicit_attention_matches_sdpa():
    """The explicit (original) attention formulation equals the SDPA path."""
    import torch

    from mmpose.models.layers import Attention
    torch.manual_seed(0)
    attn = Attention(32, num_heads=4, qkv_bias=True)
    x = torch.randn(2, 7, 32)
    fast = attn(x)
    attn.fused = False
    torch.testing.assert_close(attn(x), fast, atol=1e-5, rtol=1e-5)

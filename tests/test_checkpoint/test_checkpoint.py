"""Checkpoint loading (official layouts, strictness, safety) and surgery."""
import pickle

import numpy as np
import pytest
import torch

from mmpose.checkpoint import (
    CheckpointMismatchError,
    drop_prototypes,
    extract_dataset_model,
    load_backbone_weights,
    load_file,
    load_model_weights,
    merge_expert_into_ffn,
    save_checkpoint,
)
from mmpose.registry import MODELS

IMG = (64, 48)
NAMES = ('coco', 'aic', 'mpii')


def build(datasets=NAMES, moe=True, img=IMG):
    bb = dict(type='ViT', img_size=img, embed_dim=32, depth=2, num_heads=4, qkv_bias=True)
    if moe:
        bb.update(type='ViTMoE', num_expert=len(datasets), part_features=8)
    m = MODELS.build(dict(type='TopDown', backbone=bb, datasets=datasets,
                          keypoint_head=dict(type='HeatmapHead', in_channels=32,
                                             num_deconv_filters=(16, 16)),
                          test_cfg=dict(flip_test=False, use_udp=True)))
    m.init_weights()
    return m.eval()


def official_layout(state, datasets):
    """Our named heads -> keypoint_head / associate_keypoint_heads.{j} (original files)."""
    out = {}
    for k, v in state.items():
        for i, n in enumerate(datasets):
            if k.startswith(f'heads.{n}.'):
                rest = k[len(f'heads.{n}.'):]
                k = f'keypoint_head.{rest}' if i == 0 else f'associate_keypoint_heads.{i - 1}.{rest}'
                break
        out[k] = v
    return out


def predict(model, name, x):
    from mmpose.datasets.metainfo import get_metainfo
    meta = get_metainfo(name)
    samples = [dict(dataset_name=name, flip_indices=meta.flip_indices, center=np.array([24., 32.]),
                    scale=np.array([.24, .32]))] * len(x)
    return np.stack([p['pred_keypoints'] for p in model(x, samples, mode='predict')])


def test_official_vitposeplus_layout_loads_strictly(tmp_path):
    src = build()
    path = tmp_path / 'vitpose+_tiny.pth'
    torch.save({'meta': {'epoch': 3, 'mmcv_version': '1.4.8', 'config': 'x'},
                'state_dict': official_layout(src.state_dict(), NAMES)}, path)
    dst = build()
    load_model_weights(dst, str(path))
    x = torch.randn(2, 3, *IMG)
    for name in NAMES:
        np.testing.assert_array_equal(predict(src, name, x), predict(dst, name, x))


def test_mismatch_is_a_readable_error(tmp_path):
    state = build().state_dict()
    state.pop('backbone.last_norm.weight')
    state['backbone.extra'] = torch.zeros(1)
    state['heads.coco.final_layer.weight'] = torch.zeros(5, 16, 1, 1)
    path = tmp_path / 'bad.pth'
    torch.save({'state_dict': state}, path)
    with pytest.raises(CheckpointMismatchError) as e:
        load_model_weights(build(), str(path))
    msg = str(e.value)
    assert 'missing in checkpoint: 1' in msg and 'backbone.last_norm.weight' in msg
    assert 'unexpected in checkpoint: 1' in msg and 'shape mismatch' in msg


class Evil:
    def __reduce__(self):
        return (print, ('pwned',))


def test_arbitrary_code_is_refused(tmp_path):
    path = tmp_path / 'evil.pth'
    torch.save({'state_dict': {}, 'x': Evil()}, path)
    with pytest.raises(ValueError, match='refusing to load'):
        load_file(str(path))
    (tmp_path / 'trunc.pth').write_bytes(path.read_bytes()[:50])
    with pytest.raises(ValueError, match='not a readable'):
        load_file(str(tmp_path / 'trunc.pth'))
    with pytest.raises(FileNotFoundError):
        load_file(str(tmp_path / 'nope.pth'))
    assert pickle  # noqa


def test_safetensors(tmp_path):
    from safetensors.torch import save_file
    src = build(moe=False, datasets=('coco',))
    save_file({k: v.contiguous() for k, v in src.state_dict().items()}, tmp_path / 'w.safetensors')
    dst = build(moe=False, datasets=('coco',))
    load_model_weights(dst, str(tmp_path / 'w.safetensors'))
    for k, v in src.state_dict().items():
        torch.testing.assert_close(dst.state_dict()[k], v)


def test_mae_pretrained_into_moe_backbone(tmp_path):
    """MAE layout: cls token, square 4x4 grid, plain FFN, `norm` -> resized, split to experts."""
    plain = build(moe=False, datasets=('coco',), img=(64, 64)).backbone.state_dict()
    mae = {k: v for k, v in plain.items() if not k.startswith('last_norm')}
    mae['cls_token'] = torch.zeros(1, 1, 32)
    mae['norm.weight'] = torch.ones(32)
    mae['norm.bias'] = torch.zeros(32)
    torch.save({'model': mae}, tmp_path / 'mae.pth')
    model = build()
    load_backbone_weights(model.backbone, str(tmp_path / 'mae.pth'))
    st = model.backbone.state_dict()
    assert st['pos_embed'].shape == (1, 4 * 3 + 1, 32)
    full = mae['blocks.0.mlp.fc2.weight']
    torch.testing.assert_close(st['blocks.0.mlp.fc2.weight'], full[:24])
    for e in range(3):
        torch.testing.assert_close(st[f'blocks.0.mlp.experts.{e}.weight'], full[24:])


def test_extracted_dataset_model_predicts_like_the_moe_model():
    moe = build()
    x = torch.randn(2, 3, *IMG)
    for name in NAMES:
        state = extract_dataset_model(moe.state_dict(), name, moe.dataset_to_expert)
        assert not any('experts' in k for k in state)
        assert not any(k.startswith('heads.') and not k.startswith(f'heads.{name}.')
                       for k in state)
        plain = build(moe=False, datasets=(name,))
        plain.load_state_dict(state)
        np.testing.assert_allclose(predict(plain, name, x), predict(moe, name, x), atol=1e-3)


def test_surgery_errors_and_drop_prototypes():
    state = build().state_dict()
    with pytest.raises(KeyError, match='expert 5'):
        merge_expert_into_ffn(state, 5)
    with pytest.raises(KeyError, match='no head'):
        extract_dataset_model(state, 'ap10k', {'ap10k': 0})
    state['proto_head.kpt_prototype.prototypes'] = torch.zeros(3)
    state['proto_head.head.0.weight'] = torch.zeros(3)
    out = drop_prototypes(state)
    assert 'proto_head.kpt_prototype.prototypes' not in out and 'proto_head.head.0.weight' in out


def test_atomic_save_leaves_no_partial_file(tmp_path, monkeypatch):
    path = tmp_path / 'ck.pth'
    save_checkpoint({'a': torch.zeros(2)}, str(path))

    def boom(*a, **k):
        raise OSError('disk full')
    monkeypatch.setattr('os.fsync', boom)
    with pytest.raises(OSError):
        save_checkpoint({'a': torch.ones(2)}, str(path))
    assert sorted(p.name for p in tmp_path.iterdir()) == ['ck.pth']
    assert torch.load(path)['a'].sum() == 0


def test_transfer_from_split_checkpoint_and_unsplit_error(tmp_path):
    moe = build()
    state = extract_dataset_model(moe.state_dict(), 'coco', moe.dataset_to_expert)
    torch.save({'state_dict': state}, tmp_path / 'coco.pth')
    target = build(moe=False, datasets=('mpii',))
    before = target.state_dict()['heads.mpii.final_layer.weight'].clone()
    load_model_weights(target, str(tmp_path / 'coco.pth'), transfer=True)
    st = target.state_dict()
    torch.testing.assert_close(st['heads.mpii.deconv_layers.0.weight'],
                               state['heads.coco.deconv_layers.0.weight'])
    torch.testing.assert_close(st['heads.mpii.final_layer.weight'], before)  # 17 -> 16: fresh
    torch.save({'state_dict': moe.state_dict()}, tmp_path / 'moe.pth')
    with pytest.raises(ValueError, match='model_split.py'):
        load_model_weights(build(moe=False, datasets=('coco',)), str(tmp_path / 'moe.pth'))


def test_original_split_file_with_leftover_experts_and_heads_loads(tmp_path):
    """Files of the original model_split.py: fc2 merged, experts and other heads still there."""
    moe = build()
    merged = merge_expert_into_ffn(moe.state_dict(), 0)
    full = dict(moe.state_dict())
    full.update({k: v for k, v in merged.items() if '.fc2.' in k})
    legacy = official_layout(full, NAMES)
    torch.save({'state_dict': legacy}, tmp_path / 'coco.pth')
    plain = build(moe=False, datasets=('coco',))
    load_model_weights(plain, str(tmp_path / 'coco.pth'))
    x = torch.randn(1, 3, *IMG)
    np.testing.assert_allclose(predict(plain, 'coco', x), predict(moe, 'coco', x), atol=1e-3)

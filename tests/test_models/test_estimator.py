"""The top-down estimator: routing by dataset name, losses, flip test, every parameter learns."""
import numpy as np
import pytest
import torch

from mmpose.models import MultiDatasetTopdown
from mmpose.registry import MODELS

NAMES = ('coco', 'aic', 'mpii')
IMG = (64, 48)  # (h, w)


def tiny(moe: bool = True, **kw) -> MultiDatasetTopdown:
    backbone = dict(type='ViT', img_size=IMG, patch_size=16, embed_dim=32, depth=2, num_heads=4,
                    qkv_bias=True)
    if moe:
        backbone.update(type='ViTMoE', num_expert=len(NAMES), part_features=8)
    cfg = dict(type='MultiDatasetTopdown', backbone=backbone, datasets=NAMES if moe else ('coco',),
               keypoint_head=dict(type='HeatmapHead', in_channels=32,
                                  num_deconv_filters=(16, 16)),
               **{'test_cfg': dict(flip_test=True, use_udp=True), **kw})
    model = MODELS.build(cfg)
    model.init_weights()
    return model


def batch(model: MultiDatasetTopdown, names) -> dict:
    torch.manual_seed(0)
    from mmpose.datasets.metainfo import get_metainfo
    samples, targets = [], {}
    for i, n in enumerate(names):
        meta = get_metainfo(n)
        samples.append(dict(dataset_name=n, flip_indices=meta.flip_indices,
                            center=np.array([24., 32.]), scale=np.array([0.24, 0.32]),
                            img_id=i, bbox_id=0, bbox_score=1., area=1.))
    for n in dict.fromkeys(names):
        idx = [i for i, m in enumerate(names) if m == n]
        k = model.num_keypoints[n]
        targets[n] = dict(index=torch.tensor(idx), heatmaps=torch.rand(len(idx), k, 16, 12),
                          keypoint_weights=torch.ones(len(idx), k))
    return dict(inputs=torch.randint(0, 255, (len(names), 3) + IMG, dtype=torch.uint8),
                data_samples=samples, targets=targets)


def test_every_parameter_gets_a_gradient_on_a_mixed_batch():
    model = tiny()
    data = model.data_preprocessor(batch(model, ['coco', 'aic', 'mpii', 'coco']), True)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_coco', 'loss_aic', 'loss_mpii'}
    sum(losses.values()).backward()
    dead = [n for n, p in model.named_parameters() if p.grad is None or not p.grad.abs().sum()]
    assert not dead, dead


def test_batch_share_normalisation_matches_masked_full_batch_loss():
    """ViTPose+'s masked loss over the whole batch == per-dataset mean x batch share."""
    model = tiny()
    model.eval()  # deterministic BN
    data = model.data_preprocessor(batch(model, ['coco', 'aic', 'coco', 'coco']), True)
    losses = model(**data, mode='loss')
    feats = model.backbone(data['inputs'], torch.tensor([0, 1, 0, 0]))
    hm = model.heads['coco'](feats)
    t = data['targets']['coco']
    full_t = torch.zeros_like(hm)
    full_w = torch.zeros(4, 17)
    full_t[t['index']] = t['heatmaps']
    full_w[t['index']] = 1
    masked = ((hm - full_t) * full_w[..., None, None]).pow(2).mean()
    torch.testing.assert_close(losses['loss_coco'], masked)
    model2 = tiny(loss_normalization='dataset_mean')
    model2.load_state_dict(model.state_dict())
    model2.eval()
    l2 = model2(**data, mode='loss')
    torch.testing.assert_close(l2['loss_coco'] * 3 / 4, losses['loss_coco'])


def test_predict_batched_flip_equals_two_passes():
    model = tiny().eval()
    names = ['coco', 'mpii', 'coco']
    data = model.data_preprocessor(batch(model, names), False)
    preds = model(data['inputs'], data['data_samples'], mode='predict')
    assert [p['dataset_name'] for p in preds] == names
    assert preds[1]['pred_keypoints'].shape == (16, 2) and preds[0]['pred_scores'].shape == (17,)
    # reference: separate forward passes of original and flipped images
    from mmpose.structures import flip_heatmaps
    x = data['inputs'][:1]
    e = torch.tensor([0])
    hm = model.heads['coco'](model.backbone(x, e))
    hm_f = model.heads['coco'](model.backbone(x.flip(-1), e))
    avg = (hm + flip_heatmaps(hm_f, data['data_samples'][0]['flip_indices'])) / 2
    coords, scores = model._decoder.decode(avg.detach().numpy())
    np.testing.assert_allclose(preds[0]['pred_scores'], scores[0], rtol=1e-5, atol=1e-6)


def test_unknown_dataset_and_bad_config():
    model = tiny()
    data = model.data_preprocessor(batch(model, ['coco']), True)
    data['data_samples'][0]['dataset_name'] = 'crowdpose'
    with pytest.raises(KeyError, match='crowdpose'):
        model(data['inputs'], data['data_samples'], mode='predict')
    with pytest.raises(ValueError, match='unknown keys'):
        tiny(test_cfg=dict(flip_tset=True))
    with pytest.raises(ValueError, match='dataset_to_expert'):
        tiny(dataset_to_expert=dict(coco=0, aic=1, mpii=7))
    with pytest.raises(ValueError, match='out_channels'):
        MODELS.build(dict(type='TopDown', backbone=dict(type='ViT', img_size=IMG, embed_dim=32,
                                                           depth=1, num_heads=4),
                          keypoint_head=dict(type='HeatmapHead', in_channels=32,
                                             out_channels=16)))


def test_aliases_resolve():
    for name in ('TopDown', 'TopDownMoE', 'TopDownProto', 'TopDownMoEProto', 'MultiDatasetTopdown'):
        assert MODELS.get(name) is MultiDatasetTopdown


def test_dense_routing_equals_grouped():
    grouped = tiny()
    dense = tiny(routing='dense')
    dense.load_state_dict(grouped.state_dict())
    grouped.eval(), dense.eval()
    data = grouped.data_preprocessor(batch(grouped, ['coco', 'aic', 'coco', 'mpii']), True)
    lg = grouped(**data, mode='loss')
    ld = dense(**data, mode='loss')
    for k in lg:
        torch.testing.assert_close(lg[k], ld[k], rtol=1e-5, atol=1e-7)
    sum(lg.values()).backward()
    sum(ld.values()).backward()
    gd = dict(dense.named_parameters())
    for n, p in grouped.named_parameters():
        torch.testing.assert_close(p.grad, gd[n].grad, rtol=1e-4, atol=1e-6)


def test_nan_loss_stops_before_the_update():
    from mmengine.optim import OptimWrapper
    model = tiny()
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    data = batch(model, ['coco', 'aic'])
    for s in data['data_samples']:
        s['img_path'] = f"img_{s['img_id']}.jpg"
    data['targets']['coco']['heatmaps'][:] = float('nan')
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with pytest.raises(FloatingPointError, match=r"loss_coco.*img_0\.jpg"):
        model.train_step(data, wrapper)
    for k, v in model.state_dict().items():
        if v.is_floating_point() and 'running' not in k:
            torch.testing.assert_close(v, before[k])


def test_bf16_matches_fp32_within_tolerance():
    """bf16 autocast (training loss and prediction) stays close to the fp32 path."""
    model = tiny().eval()
    data = model.data_preprocessor(batch(model, ['coco', 'aic', 'mpii', 'coco']), True)
    with torch.no_grad():
        fp32 = sum(model(**data, mode='loss').values())
        with torch.autocast('cpu', dtype=torch.bfloat16):
            bf16 = sum(model(**data, mode='loss').values())
    assert abs(float(bf16) - float(fp32)) <= 0.02 * abs(float(fp32))
    ref = model(data['inputs'], data['data_samples'], mode='predict')
    model.test_cfg['amp_dtype'] = 'bfloat16'
    low = model(data['inputs'], data['data_samples'], mode='predict')
    # at most ~1 heatmap pixel (4 image px here) where bf16 flips a near-tie argmax
    for a, b in zip(ref, low):
        assert np.median(np.abs(a['pred_keypoints'] - b['pred_keypoints'])) < 1.0


@pytest.mark.parametrize('switch', [dict(channels_last=True), dict(compile_backbone=True)])
def test_speed_switches_match_default_model(switch):
    """Channels-last heads and a compiled backbone (in place: same parameter names) give the
    default model's losses and gradients on a batch mixing datasets."""
    ref = tiny()
    fast = tiny(**switch)
    assert list(fast.state_dict()) == list(ref.state_dict())
    fast.load_state_dict(ref.state_dict())
    if switch.get('channels_last'):
        w = fast.heads['coco'].deconv_layers[0].weight
        assert w.is_contiguous(memory_format=torch.channels_last)
    names = ['coco', 'aic', 'mpii', 'coco', 'aic']
    losses = {}
    for key, model in (('ref', ref), ('fast', fast)):
        data = model.data_preprocessor(batch(model, names), True)
        loss = sum(model(**data, mode='loss').values())
        loss.backward()
        losses[key] = float(loss)
    assert losses['fast'] == pytest.approx(losses['ref'], rel=1e-5)
    for (name, a), b in zip(ref.named_parameters(), fast.parameters()):
        if a.grad is not None:
            torch.testing.assert_close(b.grad, a.grad, rtol=1e-4, atol=1e-6, msg=name)

"""Data-pipeline throughput per worker process: this package's training pipeline against the
straightforward mmpose 0.x formulation, on the same COCO-sized JPEGs and the same random draws.

    python tools/analysis/benchmark_data.py [--images 64] [--samples 400] [--json out.json]
        [--format coco|coco_wholebody|...] [--ann-file A.json --img-prefix DIR/]

Fast path: JPEGs decoded only in the region the crop reads (and at reduced resolution when the
crop allows), flip folded into one warp (no image copy), targets shipped as Gaussian windows
(drawn on the accelerator by the data preprocessor; their cost on this CPU is printed too),
uint8 output (normalised on the accelerator). ``fast_host_targets`` draws the heatmaps in the
worker (vectorised); ``fast_whole_decode`` also decodes whole images (the fast path before
region decoding), to show what each step adds. Straightforward path (0.x): whole
decode, flip by copying the mirrored image, warp, per-joint Python loop for the targets, float
tensor + normalisation on the CPU. All single-process, same random draws. Synthetic images by
default; ``--ann-file``/``--img-prefix`` run it on real COCO-format data (box sizes matter:
region decoding saves more on small people).
"""
import argparse
import tempfile
import time

import cv2
import numpy as np
import torch

from mmpose.checkpoint.io import atomic_write_json
from mmpose.codecs.torch_encode import render_gaussian_windows
from mmpose.datasets import CocoStyleDataset, pose_collate
from mmpose.datasets.synthetic import generate_dataset
from mmpose.datasets.transforms import TopdownTrainPipeline, region_decoding_available
from mmpose.structures import affine_transform_points, fliplr_joints, get_warp_matrix

MEAN = np.array([0.485, 0.456, 0.406], np.float32)
STD = np.array([0.229, 0.224, 0.225], np.float32)


def udp_target_loop(joints, vis, image_size, heatmap_size, sigma=2):
    """mmpose 0.x ``_udp_generate_target`` (GaussianHeatmap): one Python iteration per joint."""
    k = len(joints)
    w_hm, h_hm = heatmap_size
    target = np.zeros((k, h_hm, w_hm), np.float32)
    weight = vis.astype(np.float32).copy()
    tmp = sigma * 3
    size = 2 * tmp + 1
    x = np.arange(0, size, 1, np.float32)
    y = x[:, None]
    stride = (np.asarray(image_size) - 1.0) / (np.asarray(heatmap_size) - 1.0)
    for j in range(k):
        mu_x = int(joints[j][0] / stride[0] + 0.5)
        mu_y = int(joints[j][1] / stride[1] + 0.5)
        ul = [int(mu_x - tmp), int(mu_y - tmp)]
        br = [int(mu_x + tmp + 1), int(mu_y + tmp + 1)]
        if ul[0] >= w_hm or ul[1] >= h_hm or br[0] < 0 or br[1] < 0:
            weight[j] = 0
            continue
        x0 = y0 = size // 2
        x0 += joints[j][0] / stride[0] - mu_x
        y0 += joints[j][1] / stride[1] - mu_y
        g = np.exp(-((x - x0)**2 + (y - y0)**2) / (2 * sigma**2))
        g_x = max(0, -ul[0]), min(br[0], w_hm) - ul[0]
        g_y = max(0, -ul[1]), min(br[1], h_hm) - ul[1]
        img_x = max(0, ul[0]), min(br[0], w_hm)
        img_y = max(0, ul[1]), min(br[1], h_hm)
        if weight[j] > 0.5:
            target[j][img_y[0]:img_y[1], img_x[0]:img_x[1]] = g[g_y[0]:g_y[1], g_x[0]:g_x[1]]
    return target, weight


def straightforward(info, input_size=(192, 256), heatmap_size=(48, 64)):
    """The 0.x-style pipeline with the same random draws as the fast one (flip, scale, rot)."""
    img = cv2.cvtColor(cv2.imread(info['img_path']), cv2.COLOR_BGR2RGB)
    np.random.rand(2)  # centre shift draws (prob 0.3 check + shift), kept in step
    joints, vis, center = info['keypoints'].copy(), info['keypoints_visible'].copy(), \
        info['center'].copy()
    if np.random.rand() <= 0.5:
        img = img[:, ::-1, :]
        joints, vis = fliplr_joints(joints, vis, img.shape[1], info['flip_indices'])
        center[0] = img.shape[1] - center[0] - 1
    s = info['scale'] * np.clip(np.random.randn() * 0.5 + 1, 0.5, 1.5)
    r = np.clip(np.random.randn() * 40, -80, 80) if np.random.rand() <= 0.6 else 0
    size = np.asarray(input_size, np.float32)
    mat = get_warp_matrix(r, center * 2.0, size - 1.0, s * 200.0)
    img = cv2.warpAffine(img, mat, (int(size[0]), int(size[1])), flags=cv2.INTER_LINEAR)
    joints = affine_transform_points(joints, mat)
    target, weight = udp_target_loop(joints, vis, input_size, heatmap_size)
    tensor = torch.from_numpy(((img.astype(np.float32) / 255 - MEAN) / STD).transpose(2, 0, 1))
    return tensor, target, weight


def _render_ms_per_sample(pipeline, infos) -> float:
    """Cost of drawing the fast path's targets from their windows, per sample (this CPU)."""
    batch = pose_collate([pipeline(dict(info)) for info in infos])
    t = time.perf_counter()
    for tg in batch['targets'].values():
        w, h, sigma = tg['heatmap_spec']
        render_gaussian_windows(tg['heatmap_windows'], tg['heatmap_centers'], sigma, (w, h))
    return (time.perf_counter() - t) * 1e3 / len(infos)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--images', type=int, default=64)
    p.add_argument('--samples', type=int, default=400)
    p.add_argument('--format', default='coco', help='synthetic format (coco_wholebody: 133 kpts)')
    p.add_argument('--image-size', type=int, nargs=2, default=(640, 480),
                   help='JPEG size (W H); e.g. 1280 960 for MPII/AIC-like images with large people')
    p.add_argument('--ann-file', help='real COCO-format annotations instead of synthetic data')
    p.add_argument('--img-prefix', help='image folder of --ann-file')
    p.add_argument('--json', help='write the figures here')
    args = p.parse_args()
    cv2.setNumThreads(1)
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        if args.ann_file:
            ann, prefix = args.ann_file, args.img_prefix
        else:
            paths = generate_dataset(args.format, tmp, num_images=args.images, split='train',
                                     image_size=tuple(args.image_size))
            ann, prefix = str(paths['annotation']), str(paths['images']) + '/'
        fields = ('keypoints', 'foot_kpts', 'face_kpts', 'lefthand_kpts', 'righthand_kpts') \
            if args.format == 'coco_wholebody' else ('keypoints', )
        ds = CocoStyleDataset(ann_file=ann, img_prefix=prefix, dataset_name=args.format,
                              keypoint_fields=fields)
        paths_ = dict(
            fast=TopdownTrainPipeline(udp=True, half_body=False),
            fast_host_targets=TopdownTrainPipeline(udp=True, half_body=False,
                                                   targets_on_device=False),
            fast_whole_decode=TopdownTrainPipeline(udp=True, half_body=False,
                                                   targets_on_device=False,
                                                   defer_decoding=False),
            straightforward=straightforward)
        infos = [ds.get_data_info(i % len(ds)) for i in range(args.samples)]
        states = []
        for i in range(args.samples):
            np.random.seed(i)
            states.append(np.random.get_state())
        times = {}
        for name, fn in paths_.items():
            t = time.perf_counter()
            for info, st in zip(infos, states):
                np.random.set_state(st)
                fn(dict(info))
            times[name] = time.perf_counter() - t
        render_ms = _render_ms_per_sample(paths_['fast'], infos[:64])
    sps = {k: args.samples / v for k, v in times.items()}
    print(f'(the fast path heatmaps drawn from their windows: {render_ms:.3f} ms/sample '
          f'on this CPU, batch 64, 1 thread; a GPU does it in microseconds)')
    out = dict(samples=args.samples, format=args.format, image_size=args.image_size,
               data=args.ann_file or 'synthetic', region_decoder=region_decoding_available(),
               samples_per_s=sps, device_target_drawing_ms_per_sample_cpu=render_ms,
               ratio_fast_over_straightforward=sps['fast'] / sps['straightforward'])
    for k, v in sps.items():
        print(f'{k:<20} {v:8.1f} samples/s per worker ({1e3 / v:.2f} ms/sample)')
    print(f"fast / straightforward: {out['ratio_fast_over_straightforward']:.2f}x")
    if args.json:
        atomic_write_json(out, args.json)


if __name__ == '__main__':
    main()

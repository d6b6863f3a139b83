"""Convert ScoreHypo-format 3DPW annotations to COCO keypoints (24 SMPL joints).

Example:
    python tools/dataset/preprocess_3dpw.py --src path/to/ScoreHypo/data/pw3d/annotations \
        --out-dir data/pw3d/annotations
reads ``{src}/3DPW_{train,test}.json`` and writes ``{out-dir}/pw3d_{train,test}.json``.
"""
import argparse
import logging
import os.path as osp

from mmpose.checkpoint import atomic_write_json
from mmpose.datasets.preprocessing import convert_pw3d
from mmpose.utils import run_cli


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--src', required=True, help='folder with the ScoreHypo 3DPW json files')
    p.add_argument('--out-dir', required=True, help='where pw3d_{split}.json go')
    p.add_argument('--splits', nargs='+', default=['train', 'test'])
    p.add_argument('--in-pattern', default='3DPW_{split}.json', help='input name, {split} filled')
    p.add_argument('--out-pattern', default='pw3d_{split}.json',
                   help='output name, {split} filled (configs read the default)')
    p.add_argument('--keep-invisible-coords', action='store_true',
                   help='keep the projected x, y of joints with v=0 instead of zeroing them')
    return p.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format='%(message)s')
    converted = {  # every input is read before anything is written
        split: convert_pw3d(osp.join(args.src, args.in_pattern.format(split=split)),
                            zero_invisible=not args.keep_invisible_coords)
        for split in args.splits}
    for split, coco in converted.items():
        path = osp.join(args.out_dir, args.out_pattern.format(split=split))
        atomic_write_json(coco, path)
        print(f"{split}: {len(coco['images'])} images, {len(coco['annotations'])} "
              f'annotations -> {path}')


if __name__ == '__main__':
    run_cli(main)

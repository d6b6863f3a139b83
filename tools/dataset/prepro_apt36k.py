"""Split the released APT-36K annotations by video within each species (PoseBH's 70/10/20).

Example:
    python tools/dataset/prepro_apt36k.py --ann data/ap36k/annotations/apt36k_annotations.json \
        --out-dir data/ap36k/annotations [--rename BAD_FOLDER GOOD_FOLDER ...]
"""
import argparse
import logging
import os.path as osp

from mmpose.checkpoint import atomic_write_json
from mmpose.datasets.preprocessing import APT36K_SPLITS, split_apt36k
from mmpose.utils import run_cli


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--ann', required=True, help='released apt36k_annotations.json')
    p.add_argument('--out-dir', required=True, help='where apt36k_{train,val,test}.json go')
    p.add_argument('--out-pattern', default='apt36k_{split}.json',
                   help='output file name, {split} is train/val/test (configs read the default)')
    p.add_argument('--rename', nargs=2, action='append', default=[], metavar=('OLD', 'NEW'),
                   help='replace a (mojibake) folder name in file paths; repeatable')
    return p.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format='%(message)s')
    splits = split_apt36k(args.ann, rename_folders=dict(args.rename))
    for split in APT36K_SPLITS:
        path = osp.join(args.out_dir, args.out_pattern.format(split=split))
        atomic_write_json(splits[split], path)
        print(f"{split}: {len(splits[split]['images'])} images, "
              f"{len(splits[split]['annotations'])} annotations -> {path}")


if __name__ == '__main__':
    run_cli(main)

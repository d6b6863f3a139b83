"""Remove the prototype banks from a checkpoint before transfer to new keypoint types.

    python tools/remove_proto.py --source split_weights/base_coco.pth [--target OUT]

writes ``<source>_no_proto.pth`` beside the source by default. The prototype head's layers are
kept (the transfer model re-learns a bank for its own keypoints).
"""
import argparse
import os.path as osp

from mmpose.checkpoint import (
    drop_prototypes,
    extract_state_dict,
    load_file,
    num_experts,
    save_checkpoint,
)
from mmpose.utils import run_cli


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--source', required=True, help='checkpoint (usually a split one)')
    p.add_argument('--target', help='output file (default: <source>_no_proto.pth)')
    args = p.parse_args()
    ckpt = load_file(args.source)
    state = extract_state_dict(ckpt)
    out = args.target or osp.splitext(args.source)[0] + '_no_proto.pth'
    kept = drop_prototypes(state)
    save_checkpoint({'meta': {'source': args.source}, 'state_dict': kept}, out)
    print(f'removed {len(state) - len(kept)} prototype tensors -> {out}')
    if num_experts(state):
        print('note: this checkpoint still has MoE experts; split it with tools/model_split.py '
              'before fine-tuning a plain-ViT transfer config')


if __name__ == '__main__':
    run_cli(main)

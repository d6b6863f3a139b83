"""Split a multi-dataset (ViTPose+ / PoseBH) checkpoint into one plain ViTPose model per dataset.

    python tools/model_split.py --source work_dirs/vitb_posebh/epoch_100.pth \
        [--config CONFIG] [--target split_weights] [--prefix base]

writes ``<target>/<prefix>_<dataset>.pth`` (e.g. ``split_weights/base_coco.pth``): the backbone
with that dataset's expert merged into every FFN, that dataset's head, the prototype head (if
any) for transfer; no experts, no other heads. Dataset names and experts come from the config
(or the checkpoint's own config); official files follow the released ViTPose+ order.
"""
import argparse
import os.path as osp

from mmengine.config import Config

from mmpose.checkpoint import (
    extract_dataset_model,
    extract_state_dict,
    infer_datasets,
    load_file,
    map_official_keys,
    save_checkpoint,
)
from mmpose.utils import run_cli


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--source', required=True, help='multi-dataset checkpoint')
    p.add_argument('--config', help='training config (dataset names, experts)')
    p.add_argument('--target', default='split_weights', help='output folder')
    p.add_argument('--prefix', help='output name prefix (default: the source file name)')
    p.add_argument('--datasets', nargs='+', help='only these datasets (default: all)')
    return p.parse_args()


def datasets_of(ckpt: dict, state: dict, config: str | None) -> tuple[tuple, dict]:
    cfg_text = ckpt.get('meta', {}).get('cfg') if isinstance(ckpt.get('meta'), dict) else None
    if config or cfg_text:
        cfg = Config.fromfile(config) if config else Config.fromstring(cfg_text, '.py')
        names = tuple(cfg.model.get('datasets', ('coco',)))
        experts = cfg.model.get('dataset_to_expert') or {n: i for i, n in enumerate(names)}
        return names, dict(experts)
    return infer_datasets(state)


def main() -> None:
    args = parse_args()
    ckpt = load_file(args.source)
    state = extract_state_dict(ckpt)
    names, experts = datasets_of(ckpt, state, args.config)
    state = map_official_keys(state, names, experts)
    prefix = args.prefix or osp.splitext(osp.basename(args.source))[0]
    for name in args.datasets or names:
        out = osp.join(args.target, f'{prefix}_{name}.pth')
        part = extract_dataset_model(state, name, experts)
        save_checkpoint({'meta': {'source': args.source, 'dataset': name}, 'state_dict': part},
                        out)
        print(f'{name:<16} -> {out} ({len(part)} tensors)')


if __name__ == '__main__':
    run_cli(main)

"""Write a synthetic pose dataset in a native annotation format.

Example:
    python tools/dataset/make_synthetic.py --format coco --out data/coco --num-images 500 \
        --split train --seed 0
"""
import argparse
import logging

from mmpose.datasets.synthetic import FORMATS, SPLITS, generate_dataset


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--format', required=True, choices=FORMATS)
    parser.add_argument('--out', required=True, help='dataset root, e.g. data/coco')
    parser.add_argument('--num-images', type=int, default=100)
    parser.add_argument('--split', default='train', choices=SPLITS)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--image-size', type=int, nargs=2, default=(256, 192),
                        metavar=('W', 'H'))
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format='%(message)s')
    paths = generate_dataset(args.format, args.out, args.num_images, args.split, args.seed,
                             tuple(args.image_size))
    for role, path in paths.items():
        print(f'{role}: {path}')


if __name__ == '__main__':
    main()

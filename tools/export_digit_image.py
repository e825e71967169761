"""Write one image of a digit dataset file as a PNG, e.g. the one-shot
target image of the paper's digit configs (configs/asm_cls/).

    python tools/export_digit_image.py {svhn,usps,mnist} DATA_ROOT \
        [--split train] [--index 0] --out FILE.png
"""
import argparse
import os
import os.path as osp
import sys
from typing import List, Optional

import cv2

from mmasm.registry import DATASETS, join_toolkit

DATASET_TYPES = dict(
    svhn='mmasm.SVHNDataset', usps='mmasm.USPSDataset', mnist='MNIST')


def build_digits(name: str, data_root: str, split: str):
    """The dataset (no pipeline) of ``name``'s ``split`` under ``data_root``."""
    if name == 'mnist':
        join_toolkit('mmpretrain')
        from mmpretrain.registry import DATASETS as PRETRAIN_DATASETS
        return PRETRAIN_DATASETS.build(
            dict(
                type='mmpretrain.MNIST',
                data_root=data_root,
                download=False,
                test_mode=split == 'test'))
    return DATASETS.build(
        dict(type=DATASET_TYPES[name], data_root=data_root, split=split))


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        description='Export one digit image as a PNG.')
    parser.add_argument('dataset', choices=sorted(DATASET_TYPES))
    parser.add_argument('data_root')
    parser.add_argument('--split', default='train', choices=('train', 'test'))
    parser.add_argument('--index', type=int, default=0)
    parser.add_argument('--out', required=True, help='PNG file to write')
    args = parser.parse_args(argv)
    dataset = build_digits(args.dataset, args.data_root, args.split)
    if not 0 <= args.index < len(dataset):
        print(
            f'export_digit_image: error: --index must be in [0, {len(dataset)})',
            file=sys.stderr)
        return 2
    info = dataset.get_data_info(args.index)
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    cv2.imwrite(args.out, info['img'])  # BGR, or grey for MNIST
    print(f"wrote {args.out} (digit {int(info['gt_label'])})")
    return 0


if __name__ == '__main__':
    sys.exit(main())

"""Write SYNTHIA-RAND-CITYSCAPES labels as Cityscapes train ids, for
mmasm's SYNTHIADataset.

    python tools/convert_datasets/synthia.py data/synthia [--nproc 8]

reads ``data/synthia/GT/LABELS/*.png`` (16-bit, SYNTHIA class id in the
first channel) and writes ``*_labelTrainIds.png`` (the 16 shared classes as
Cityscapes train ids, 255 ignore) beside them or under ``--out-dir``.
"""
import argparse
import os
import os.path as osp

from mmasm.datasets.gta5 import convert_label_dir
from mmasm.datasets.synthia import synthia_label_to_train_ids


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Convert SYNTHIA labels to Cityscapes train ids')
    parser.add_argument(
        'synthia_path', help='RAND_CITYSCAPES root (with RGB/, GT/LABELS/)')
    parser.add_argument(
        '--gt-dir',
        default='GT/LABELS',
        help='label folder inside synthia_path')
    parser.add_argument(
        '-o', '--out-dir', help='output folder (default: the label folder)')
    parser.add_argument(
        '--nproc',
        type=int,
        default=min(8, os.cpu_count()),
        help='worker processes')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    written = convert_label_dir(
        osp.join(args.synthia_path, args.gt_dir), synthia_label_to_train_ids,
        args.out_dir, args.nproc)
    print(f'\nwrote {len(written)} train-id labels')


if __name__ == '__main__':
    main()

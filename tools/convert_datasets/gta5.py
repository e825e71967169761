"""Write GTA5's labels as Cityscapes train ids, for mmasm's GTA5Dataset.

    python tools/convert_datasets/gta5.py data/gta5 [--nproc 8]

reads ``data/gta5/labels/*.png`` (Cityscapes label ids) and writes
``*_labelTrainIds.png`` (19 train ids, 255 ignore) beside them or under
``--out-dir``.
"""
import argparse
import os
import os.path as osp

from mmasm.datasets.gta5 import convert_label_dir, gta5_label_to_train_ids


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Convert GTA5 labels to Cityscapes train ids')
    parser.add_argument('gta5_path', help='GTA5 root (with images/, labels/)')
    parser.add_argument(
        '--gt-dir', default='labels', help='label folder inside gta5_path')
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
        osp.join(args.gta5_path, args.gt_dir), gta5_label_to_train_ids,
        args.out_dir, args.nproc)
    print(f'\nwrote {len(written)} train-id labels')


if __name__ == '__main__':
    main()

"""Translate a whole source dataset into the one-shot target's domain (LRM).

    python tools/translate.py CHECKPOINT TARGET_IMAGE SRC_DIR OUT_DIR
        [--img-dir SUB [SUB ...]] [--labels link|copy] [--force]
        [--device cpu]

Every image under the image folder(s) of SRC_DIR is translated with the LRM
translator CHECKPOINT towards TARGET_IMAGE and written to the same relative
path (same sub-folders, file name and format) under OUT_DIR; every other file
of SRC_DIR (labels, split files, ...) is symlinked (default) or copied. Any
mmseg config then trains on the translated data by changing its data_root to
OUT_DIR. See ``mmasm.apis.translate_folder``.
"""
import argparse
from typing import List, Optional

from mmasm.apis import DEFAULT_IMG_DIRS, translate_folder


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Translate a source dataset with a trained LRM '
        'translator, mirroring its layout (labels linked or copied).')
    parser.add_argument(
        'checkpoint',
        help='LRM translator checkpoint '
        '(lrm_translator.pth from tools/train.py with an LRM '
        'config)')
    parser.add_argument('target', help='the one-shot target image')
    parser.add_argument('src_dir', help='source dataset root')
    parser.add_argument('out_dir', help='root of the translated dataset')
    parser.add_argument(
        '--img-dir',
        nargs='+',
        default=None,
        metavar='SUB',
        help='image folder(s) relative to SRC_DIR, "." for SRC_DIR itself '
        f'(default: the first of {", ".join(DEFAULT_IMG_DIRS)} that exists)')
    parser.add_argument(
        '--labels',
        choices=('link', 'copy'),
        default='link',
        help='symlink (default) or copy the other files')
    parser.add_argument(
        '--force',
        action='store_true',
        help='write into a non-empty OUT_DIR, replacing files')
    parser.add_argument('--device', default='cpu')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None):
    args = parse_args(argv)
    return translate_folder(args.checkpoint, args.target, args.src_dir,
                            args.out_dir, args.img_dir, args.labels,
                            args.force, args.device)


if __name__ == '__main__':
    main()

"""Translate a whole source dataset into the one-shot target's domain (LRM).

    python tools/translate.py CHECKPOINT TARGET_IMAGE SRC_DIR OUT_DIR
        [--img-dir SUB [SUB ...]] [--labels link|copy] [--force]
        [--device cpu]

Every image under the image folder(s) of SRC_DIR is translated with the LRM
translator CHECKPOINT towards TARGET_IMAGE and written to the same relative
path (same sub-folders, file name and format) under OUT_DIR; every other file
of SRC_DIR (labels, split files, ...) is symlinked (default) or copied. Any
mmseg config then trains on the translated data by changing its data_root to
OUT_DIR. Image folders default to the first of img_dir (mmseg's ISPRS,
LoveDA, ...), images (GTA5), leftImg8bit (Cityscapes), RGB (SYNTHIA) found in
SRC_DIR.
"""
import argparse
import os
import os.path as osp
import shutil
import sys
from typing import List, Optional, Tuple

import cv2
import mmcv
from mmengine.utils import ProgressBar, mkdir_or_exist

from mmasm.utils import IMG_EXTENSIONS
from mmasm.datasets.transforms.lrm_translate import LRMTranslate

#: Image folders of common layouts, tried in order when --img-dir is absent.
DEFAULT_IMG_DIRS = ('img_dir', 'images', 'leftImg8bit', 'RGB')


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Translate a source dataset with a trained LRM '
        'translator, mirroring its layout (labels linked or copied).')
    parser.add_argument('checkpoint', help='LRM translator checkpoint '
                        '(lrm_translator.pth from tools/train_lrm.py)')
    parser.add_argument('target', help='the one-shot target image')
    parser.add_argument('src_dir', help='source dataset root')
    parser.add_argument('out_dir', help='root of the translated dataset')
    parser.add_argument(
        '--img-dir', nargs='+', default=None, metavar='SUB',
        help='image folder(s) relative to SRC_DIR, "." for SRC_DIR itself '
        f'(default: the first of {", ".join(DEFAULT_IMG_DIRS)} that exists)')
    parser.add_argument('--labels', choices=('link', 'copy'), default='link',
                        help='symlink (default) or copy the other files')
    parser.add_argument('--force', action='store_true',
                        help='write into a non-empty OUT_DIR, replacing files')
    parser.add_argument('--device', default='cpu')
    return parser.parse_args(argv)


def image_dirs(src_dir: str, names: Optional[List[str]]) -> List[str]:
    """The image folders of ``src_dir``, relative to it."""
    if names:
        for name in names:
            if not osp.isdir(osp.join(src_dir, name)):
                raise FileNotFoundError(f'--img-dir {name!r}: no folder '
                                        f'{osp.join(src_dir, name)!r}')
        return [osp.normpath(name) for name in names]
    for name in DEFAULT_IMG_DIRS:
        if osp.isdir(osp.join(src_dir, name)):
            return [name]
    raise FileNotFoundError(
        f'no image folder in {src_dir!r}: looked for '
        f'{", ".join(DEFAULT_IMG_DIRS)}; name it with --img-dir')


def plan(src_dir: str, img_dirs: List[str]) -> Tuple[List[str], List[str]]:
    """Relative paths of the images to translate and of the other files."""
    images, others = [], []
    for root, _, files in os.walk(src_dir, followlinks=True):
        for name in files:
            path = osp.relpath(osp.join(root, name), src_dir)
            inside = any(d == '.' or path.startswith(d + os.sep)
                         for d in img_dirs)
            is_image = name.lower().endswith(IMG_EXTENSIONS)
            (images if inside and is_image else others).append(path)
    if not images:
        raise ValueError(f'no images under {", ".join(img_dirs)} in '
                         f'{src_dir!r} (extensions: '
                         f'{", ".join(IMG_EXTENSIONS)})')
    return sorted(images), sorted(others)


def check_out_dir(src_dir: str, out_dir: str, force: bool) -> None:
    src, out = osp.realpath(src_dir), osp.realpath(out_dir)
    if out == src or out.startswith(src + os.sep):
        raise ValueError(f'OUT_DIR {out_dir!r} lies inside SRC_DIR '
                         f'{src_dir!r}; choose another folder')
    if osp.isdir(out_dir) and os.listdir(out_dir) and not force:
        raise FileExistsError(f'OUT_DIR {out_dir!r} is not empty; pass '
                              f'--force to write into it')


def place(src: str, dst: str, mode: str) -> None:
    """Symlink or copy ``src`` to ``dst``, replacing what is there."""
    mkdir_or_exist(osp.dirname(dst))
    if osp.lexists(dst):
        os.remove(dst)
    if mode == 'link':
        os.symlink(osp.abspath(src), dst)
    else:
        shutil.copy2(src, dst)


def translate_file(translator: LRMTranslate, src: str, dst: str) -> None:
    img = mmcv.imread(src, flag=cv2.IMREAD_COLOR, backend='cv2')
    if img is None:
        raise ValueError(f'cannot read {src!r} as an image')
    out = translator.translate(img)
    mkdir_or_exist(osp.dirname(dst))
    if osp.lexists(dst):
        os.remove(dst)  # never write through a symlink into SRC_DIR
    if not cv2.imwrite(dst, out):
        raise OSError(f'could not write {dst!r}')


def main(argv: Optional[List[str]] = None) -> Tuple[List[str], List[str]]:
    """Run the tool; returns the relative paths (translated, placed)."""
    args = parse_args(argv)
    if not osp.isdir(args.src_dir):
        raise FileNotFoundError(f'SRC_DIR not found: {args.src_dir!r}')
    check_out_dir(args.src_dir, args.out_dir, args.force)
    translator = LRMTranslate(args.checkpoint, args.target, prob=1.0,
                              device=args.device)
    translator.load()  # checkpoint errors before anything is written
    images, others = plan(args.src_dir,
                          image_dirs(args.src_dir, args.img_dir))
    print(f'translating {len(images)} images, {args.labels}ing '
          f'{len(others)} other files into {args.out_dir}')
    progress = ProgressBar(len(images), file=sys.stdout)
    for path in images:
        translate_file(translator, osp.join(args.src_dir, path),
                       osp.join(args.out_dir, path))
        progress.update()
    for path in others:
        place(osp.join(args.src_dir, path), osp.join(args.out_dir, path),
              args.labels)
    print(f'\nwrote {args.out_dir}')
    return images, others


if __name__ == '__main__':
    main()

"""Translating a whole source dataset into the one-shot target's domain
with a trained LRM translator, mirroring its layout.

>>> images, others = translate_folder('lrm_translator.pth', 'target.png',
...                                   'data/gta5', 'data/gta5_lrm')

Every image under the image folder(s) of the source is translated and
written to the same relative path (sub-folders, file name and format) under
the output folder; every other file (labels, split files, ...) is symlinked
or copied, so an mmseg config trains on the translated data by changing its
``data_root``.
"""
import os
import os.path as osp
import shutil
import sys
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import mmcv
import numpy as np
import torch
from mmengine.utils import ProgressBar, mkdir_or_exist

from mmasm.datasets.lrm_pair_dataset import check_image_file
from mmasm.models.lrm import LRMTranslator, load_lrm_translator
from mmasm.utils import (IMG_EXTENSIONS, bgr_uint8_to_rgb255,
                         rgb255_to_bgr_uint8)

#: Image folders of common layouts, tried in order when none is named:
#: mmseg's ISPRS, LoveDA, ... (img_dir), GTA5 (images), Cityscapes
#: (leftImg8bit), SYNTHIA (RGB).
DEFAULT_IMG_DIRS = ('img_dir', 'images', 'leftImg8bit', 'RGB')
#: How the files that are not translated reach the output folder.
PLACE_MODES = ('link', 'copy')


def image_dirs(src_dir: str,
               names: Optional[Sequence[str]] = None) -> List[str]:
    """The image folders of ``src_dir`` (relative to it, ``'.'`` for
    ``src_dir`` itself): ``names`` checked, or the first of
    :data:`DEFAULT_IMG_DIRS` that exists."""
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


def split_files(src_dir: str,
                img_dirs: Sequence[str]) -> Tuple[List[str], List[str]]:
    """Relative paths (sorted) of the images to translate and of the other
    files of ``src_dir``."""
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
    """``out_dir`` must lie outside ``src_dir`` and be empty unless
    ``force``."""
    src, out = osp.realpath(src_dir), osp.realpath(out_dir)
    if out == src or out.startswith(src + os.sep):
        raise ValueError(f'OUT_DIR {out_dir!r} lies inside SRC_DIR '
                         f'{src_dir!r}; choose another folder')
    if osp.isdir(out_dir) and os.listdir(out_dir) and not force:
        raise FileExistsError(f'OUT_DIR {out_dir!r} is not empty; pass '
                              f'--force to write into it')


def place(src: str, dst: str, mode: str) -> None:
    """Symlink (``'link'``) or copy (``'copy'``) ``src`` to ``dst``,
    replacing what is there."""
    mkdir_or_exist(osp.dirname(dst))
    if osp.lexists(dst):
        os.remove(dst)
    if mode == 'link':
        os.symlink(osp.abspath(src), dst)
    else:
        shutil.copy2(src, dst)


def read_bgr(path: str) -> np.ndarray:
    """An image file as mmseg reads it: BGR uint8 ``(H, W, 3)``."""
    img = mmcv.imread(path, flag=cv2.IMREAD_COLOR, backend='cv2')
    if img is None:
        raise ValueError(f'cannot read {path!r} as an image')
    return img


def translate_bgr(
        translator: LRMTranslator, img: np.ndarray, target: torch.Tensor,
        target_latents: Dict[Tuple[int, int], torch.Tensor]) -> np.ndarray:
    """Translate one BGR uint8 image towards ``target`` (RGB ``(1, 3, H,
    W)`` in [0, 255]), exactly as the ``LRMTranslate`` transform does; the
    target's latent is cached in ``target_latents`` per image size."""
    device = target.device
    with torch.inference_mode():
        source = bgr_uint8_to_rgb255(img).to(device)
        size = tuple(source.shape[-2:])
        if size not in target_latents:
            target_latents[size] = translator.encode_target(target, size)
        out = translator.translate(source, target_latents=target_latents[size])
    return rgb255_to_bgr_uint8(out.cpu())


def write_image(img: np.ndarray, dst: str) -> None:
    """Write ``img`` to ``dst``, never through a symlink into the source."""
    mkdir_or_exist(osp.dirname(dst))
    if osp.lexists(dst):
        os.remove(dst)
    if not cv2.imwrite(dst, img):
        raise OSError(f'could not write {dst!r}')


def translate_folder(checkpoint: str,
                     target: str,
                     src_dir: str,
                     out_dir: str,
                     img_dirs: Optional[Sequence[str]] = None,
                     labels: str = 'link',
                     force: bool = False,
                     device: str = 'cpu') -> Tuple[List[str], List[str]]:
    """Translate the dataset in ``src_dir`` into ``out_dir`` with the LRM
    translator ``checkpoint`` towards the one-shot ``target`` image.

    Args:
        img_dirs: image folders relative to ``src_dir`` (``'.'`` for
            ``src_dir`` itself); default: the first of
            :data:`DEFAULT_IMG_DIRS` found.
        labels: ``'link'`` (symlink) or ``'copy'`` every other file.
        force: write into a non-empty ``out_dir``, replacing files.

    Returns:
        The relative paths of the translated images and of the placed files.

    Raises:
        FileNotFoundError, ValueError, FileExistsError: before anything is
        written (missing or unreadable inputs, no images, ``out_dir`` inside
        ``src_dir`` or not empty).
    """
    if labels not in PLACE_MODES:
        raise ValueError(
            f'labels must be one of {PLACE_MODES}, got {labels!r}')
    if not osp.isdir(src_dir):
        raise FileNotFoundError(f'SRC_DIR not found: {src_dir!r}')
    check_out_dir(src_dir, out_dir, force)
    target_image = bgr_uint8_to_rgb255(
        read_bgr(check_image_file(target, 'target'))).to(device)
    translator = load_lrm_translator(checkpoint, device)
    images, others = split_files(src_dir, image_dirs(src_dir, img_dirs))
    print(f'translating {len(images)} images, {labels}ing '
          f'{len(others)} other files into {out_dir}')
    progress, latents = ProgressBar(len(images), file=sys.stdout), {}
    for path in images:
        img = translate_bgr(translator, read_bgr(osp.join(src_dir, path)),
                            target_image, latents)
        write_image(img, osp.join(out_dir, path))
        progress.update()
    for path in others:
        place(osp.join(src_dir, path), osp.join(out_dir, path), labels)
    print(f'\nwrote {out_dir}')
    return images, others

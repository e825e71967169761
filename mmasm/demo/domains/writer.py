"""Disk layouts of the demo domains, written atomically.

Source, in GTA5's layout (read by mmasm's ``GTA5Dataset``)::

    source/images/00001.png                    RGB image
    source/labels/00001.png                    Cityscapes label ids
    source/labels/00001_labelTrainIds.png      train ids (GTA5 converter)

Target, in Cityscapes' layout (read by mmseg's ``CityscapesDataset``)::

    target/leftImg8bit/{train,val}/demo/demo_000000_000019_leftImg8bit.png
    target/gtFine/{train,val}/demo/demo_000000_000019_gtFine_labelTrainIds.png
    target/gtFine/{train,val}/demo/demo_000000_000019_gtFine_labelIds.png

plus ``style/*.png`` (RAIN style images), ``meta.json`` and optionally
``preview.png``. Everything goes to a temporary folder beside the
destination, renamed into place only once complete (see ``staging`` for
interrupted runs).
"""
import json
import os
import os.path as osp
import shutil
import tempfile
from contextlib import contextmanager
from typing import Iterator, Optional

import cv2
import numpy as np

from mmasm.datasets.gta5 import (CITYSCAPES_ID_TO_TRAIN_ID, TRAIN_ID_SUFFIX,
                                 id_lookup_table)
from .classes import train_id_to_label_id_table
from .staging import remove_stale_staging, sigterm_raises, staging_prefix

CITY = 'demo'
FRAME = 19  # as in aachen_000000_000019, the authors' one-shot image


def cityscapes_name(sequence: int) -> str:
    return f'{CITY}_{sequence:06d}_{FRAME:06d}'


def gta5_name(index: int) -> str:
    """GTA5 numbers its frames from 00001."""
    return f'{index + 1:05d}'


def write_png(path: str, image: np.ndarray) -> None:
    """Write an ``(H, W)`` label or ``(H, W, 3)`` RGB image as PNG."""
    os.makedirs(osp.dirname(path), exist_ok=True)
    pixels = image[..., ::-1] if image.ndim == 3 else image
    if not cv2.imwrite(path, np.ascontiguousarray(pixels)):
        raise OSError(f'cv2 could not write {path}')


def write_gta5_sample(root: str, index: int, image_rgb: np.ndarray,
                      train_ids: np.ndarray) -> None:
    """One source frame: image, label ids and the GTA5 converter's
    train-id map of them."""
    stem = gta5_name(index)
    label_ids = train_id_to_label_id_table()[train_ids]
    write_png(osp.join(root, 'images', stem + '.png'), image_rgb)
    write_png(osp.join(root, 'labels', stem + '.png'), label_ids)
    converted = id_lookup_table(CITYSCAPES_ID_TO_TRAIN_ID, 256)[label_ids]
    write_png(osp.join(root, 'labels', stem + TRAIN_ID_SUFFIX), converted)


def write_cityscapes_sample(root: str, split: str, sequence: int,
                            image_rgb: np.ndarray,
                            train_ids: np.ndarray) -> str:
    """One target frame; returns the image path relative to ``root``."""
    name = cityscapes_name(sequence)
    image = osp.join('leftImg8bit', split, CITY, name + '_leftImg8bit.png')
    labels = osp.join(root, 'gtFine', split, CITY, name + '_gtFine_')
    write_png(osp.join(root, image), image_rgb)
    write_png(labels + 'labelTrainIds.png', train_ids)
    write_png(labels + 'labelIds.png', train_id_to_label_id_table()[train_ids])
    return image


def write_json(path: str, content: dict) -> None:
    with open(path, 'w') as file:
        json.dump(content, file, indent=2, sort_keys=True)
        file.write('\n')


def first_missing_ancestor(path: str) -> Optional[str]:
    """The highest folder of ``path`` that does not exist yet (None if
    ``path``'s parent exists)."""
    missing = None
    parent = osp.dirname(path)
    while parent and not osp.exists(parent):
        missing = parent
        parent = osp.dirname(parent)
    return missing


def check_destination(out_dir: str, force: bool) -> None:
    if osp.lexists(out_dir):
        if not osp.isdir(out_dir) or osp.islink(out_dir):
            raise FileExistsError(f'output path {out_dir} exists and is not '
                                  f'a folder; choose another path')
        if not force:
            raise FileExistsError(f'output folder {out_dir} already exists; '
                                  f'pass force=True (--force) to replace it')


def make_parent(out_dir: str) -> Optional[str]:
    """Create ``out_dir``'s parent folders; return the topmost one created
    (to remove on failure)."""
    parent = osp.dirname(out_dir)
    created = first_missing_ancestor(out_dir)
    try:
        os.makedirs(parent, exist_ok=True)
    except OSError as error:
        raise NotADirectoryError(
            f'cannot write the demo domains to {out_dir}: cannot create its '
            f'parent folder {parent} ({error.strerror or error})') from error
    if not os.access(parent, os.W_OK | os.X_OK):
        raise PermissionError(f'cannot write the demo domains to {out_dir}: '
                              f'folder {parent} is not writable')
    return created


@contextmanager
def atomic_output_dir(out_dir: str, force: bool = False) -> Iterator[str]:
    """Yield a fresh temporary folder beside ``out_dir``; when the block
    succeeds, it replaces ``out_dir`` (an existing one only if ``force``).
    If the block raises, or SIGTERM arrives, the temporary folder (and any
    parent folder made for it) is removed and ``out_dir`` is left as it
    was. Temporary folders of killed earlier runs are removed first."""
    out_dir = osp.abspath(out_dir)
    check_destination(out_dir, force)
    created = make_parent(out_dir)
    remove_stale_staging(out_dir)
    with sigterm_raises():
        try:
            staging = tempfile.mkdtemp(
                prefix=staging_prefix(out_dir), dir=osp.dirname(out_dir))
        except OSError as error:
            remove_quietly(created)
            raise PermissionError(
                f'cannot write the demo domains to {out_dir}: '
                f'{error}') from error
        try:
            os.chmod(staging, 0o755)
            yield staging
            replace_folder(staging, out_dir, force)
        except BaseException:
            remove_quietly(staging)
            remove_quietly(created)
            raise


def replace_folder(staging: str, out_dir: str, force: bool) -> None:
    """Rename ``staging`` to ``out_dir``, moving an existing ``out_dir``
    aside first (and deleting it once the new one is in place)."""
    check_destination(out_dir, force)
    if not osp.exists(out_dir):
        os.rename(staging, out_dir)
        return
    trash = tempfile.mkdtemp(
        prefix=staging_prefix(out_dir, 'old'), dir=osp.dirname(out_dir))
    old = osp.join(trash, 'old')
    os.rename(out_dir, old)
    try:
        os.rename(staging, out_dir)
    except BaseException:
        os.rename(old, out_dir)
        remove_quietly(trash)
        raise
    remove_quietly(trash)


def remove_quietly(path: Optional[str]) -> None:
    if path and osp.isdir(path):
        shutil.rmtree(path, ignore_errors=True)

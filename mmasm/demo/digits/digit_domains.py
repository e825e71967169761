"""The digits demo pair on disk, in the folder layout of mmpretrain's
``CustomDataset`` (one sub-folder per class, named by the digit)::

    source/train/<digit>/00000.png     scikit-learn's handwritten scans
    target/train/<digit>/00000.png     street-number-like digits (labelled:
                                       the one-shot images and the
                                       target-supervised arm)
    target/test/<digit>/00000.png      labelled target test split
    style/00000.png                    RAIN style images (textures, no digits)
    meta.json                          sizes, seed, one-shot image order

Seed ``s`` of an experiment uses ``meta['one_shot_images'][s]``, a target
train image. Written atomically: same arguments, same bytes.
"""
import os.path as osp
from dataclasses import dataclass
from typing import List

import numpy as np

from ..domains.writer import atomic_output_dir, write_json, write_png
from .source_digits import DIGIT_SIZE, load_source_digits
from .street_digits import render_split, render_style_texture

#: how many one-shot images meta.json lists (seeds 0..N-1)
NUM_ONE_SHOT = 10


@dataclass
class DigitDomains:
    """Where :func:`make_digit_domains` wrote the pair."""
    root: str
    meta: dict

    @property
    def one_shot_images(self) -> List[str]:
        """Absolute paths of the one-shot images, by seed."""
        return [osp.join(self.root, f) for f in self.meta['one_shot_images']]


def write_class_folders(root: str, split: str, images: np.ndarray,
                        labels: np.ndarray) -> List[str]:
    """``root/split/<digit>/<index>.png`` for each image; relative paths."""
    paths = []
    for index, (image, label) in enumerate(zip(images, labels)):
        path = osp.join(split, str(int(label)), f'{index:05d}.png')
        write_png(osp.join(root, path), image)
        paths.append(path)
    return paths


def make_digit_domains(out_dir: str,
                       seed: int = 0,
                       num_target_train: int = 1000,
                       num_target_test: int = 1000,
                       num_style: int = 500,
                       force: bool = False) -> DigitDomains:
    """Write the digits demo pair to ``out_dir`` (see the module doc).

    The source is all 1797 scikit-learn scans; the target splits and the
    style images are rendered from ``seed``.
    """
    if min(num_target_train, num_target_test) < 10:
        raise ValueError(
            'the target splits need at least 10 images (one per digit), '
            f'got {num_target_train} train and {num_target_test} test')
    rng = np.random.default_rng(seed)
    source, source_labels = load_source_digits()
    train, train_labels = render_split(rng, num_target_train)
    test, test_labels = render_split(rng, num_target_test)
    style = [render_style_texture(rng) for _ in range(num_style)]
    with atomic_output_dir(out_dir, force) as staging:
        write_class_folders(
            osp.join(staging, 'source'), 'train', source, source_labels)
        train_files = write_class_folders(
            osp.join(staging, 'target'), 'train', train, train_labels)
        write_class_folders(
            osp.join(staging, 'target'), 'test', test, test_labels)
        for index, image in enumerate(style):
            write_png(osp.join(staging, 'style', f'{index:05d}.png'), image)
        meta = dict(
            seed=seed,
            size=DIGIT_SIZE,
            num_source=len(source),
            num_target_train=num_target_train,
            num_target_test=num_target_test,
            num_style=num_style,
            one_shot_images=[
                osp.join('target', f) for f in train_files[:NUM_ONE_SHOT]
            ])
        write_json(osp.join(staging, 'meta.json'), meta)
    return DigitDomains(osp.abspath(out_dir), meta)

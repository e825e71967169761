"""A preview grid of the demo domains: one row per scene, source image,
its labels, target image, its labels (Cityscapes palette)."""
from typing import List, Tuple

import numpy as np

from .classes import colorize

Sample = Tuple[np.ndarray, np.ndarray]  # (RGB image, train ids)


def preview_grid(source: List[Sample],
                 target: List[Sample],
                 gap: int = 2) -> np.ndarray:
    """``(H', W', 3)`` uint8 RGB: row i = source[i] and target[i] (image,
    coloured labels), white gaps between tiles; the shorter list is padded
    with grey tiles."""
    if not source and not target:
        raise ValueError('preview_grid: no samples')
    reference = (source or target)[0][0]
    blank = np.full_like(reference, 128)
    rows = []
    for index in range(max(len(source), len(target))):
        tiles = []
        for samples in (source, target):
            if index < len(samples):
                image, label = samples[index]
                tiles += [image, colorize(label)]
            else:
                tiles += [blank, blank]
        rows.append(join(tiles, axis=1, gap=gap))
    return join(rows, axis=0, gap=gap)


def join(tiles: List[np.ndarray], axis: int, gap: int) -> np.ndarray:
    shape = list(tiles[0].shape)
    shape[axis] = gap
    spacer = np.full(shape, 255, np.uint8)
    parts = []
    for tile in tiles:
        parts += [tile, spacer]
    return np.concatenate(parts[:-1], axis=axis)

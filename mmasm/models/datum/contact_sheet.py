"""A contact sheet: a grid of a sample of generated images with their
prompts' class names, to look at a pseudo-target set at a glance."""
from typing import Sequence

import cv2
import numpy as np
import torch

from mmasm.utils import read_rgb, rgb_grid


def contact_sheet(paths: Sequence[str],
                  captions: Sequence[str],
                  num_columns: int = 5,
                  tile_size: int = 192) -> np.ndarray:
    """The images ``paths`` as ``tile_size`` squares, ``num_columns`` per
    row, each captioned (bottom left); returns an RGB uint8 array."""
    tiles = []
    for path, caption in zip(paths, captions):
        image = read_rgb(path, min_size=1)[None]
        tile = torch.nn.functional.interpolate(
            image,
            size=(tile_size, tile_size),
            mode='bilinear',
            antialias=True)[0]
        tile = np.ascontiguousarray(
            (tile.permute(1, 2, 0).numpy() * 255).astype(np.uint8))
        cv2.putText(tile, caption, (4, tile_size - 6),
                    cv2.FONT_HERSHEY_SIMPLEX, tile_size / 512, (255, 255, 255),
                    1, cv2.LINE_AA)
        tiles.append(torch.from_numpy(tile).permute(2, 0, 1).float() / 255)
    while len(tiles) % num_columns:
        tiles.append(torch.zeros_like(tiles[0]))
    rows = [
        torch.stack(tiles[i:i + num_columns])
        for i in range(0, len(tiles), num_columns)
    ]
    return rgb_grid(rows)

"""MIC's random patch masks (Hoyer et al., CVPR 2023)."""
import math
from typing import Sequence

import torch


def block_masks(size,
                generators: Sequence[torch.Generator],
                block_size: int = 64,
                mask_ratio: float = 0.7,
                device=None) -> torch.Tensor:
    """``(B, 1, H, W)`` float masks, one per generator: the image split into
    ``block_size`` patches, each dropped (0) with probability ``mask_ratio``
    and kept (1) otherwise. (The authors' code draws a ``round(H / b) x
    round(W / b)`` grid resized to the image; here patches are exactly ``b``
    pixels, the last row / column cut by the border.)"""
    height, width = size
    grid = math.ceil(height / block_size), math.ceil(width / block_size)
    masks = []
    for gen in generators:
        keep = (torch.rand(grid, generator=gen) > mask_ratio).float()
        keep = keep.repeat_interleave(block_size,
                                      0).repeat_interleave(block_size, 1)
        masks.append(keep[:height, :width])
    return torch.stack(masks).unsqueeze(1).to(device)

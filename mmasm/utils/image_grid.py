"""Image grids for mmengine's visualizer."""
from typing import Sequence

import numpy as np
import torch
from torchvision.utils import make_grid


def rgb_grid(rows: Sequence[torch.Tensor],
             pad_value: float = 0.0) -> np.ndarray:
    """Rows of equally sized RGB ``(N, 3, H, W)`` batches in [0, 1] as one
    ``(H', W', 3)`` uint8 array, one column per image (what
    ``visualizer.add_image`` takes)."""
    tiles = torch.cat([row.detach().float().cpu() for row in rows]).clamp(0, 1)
    grid = make_grid(tiles, nrow=len(rows[0]), padding=2, pad_value=pad_value)
    return grid.mul(255).round().byte().permute(1, 2, 0).numpy()

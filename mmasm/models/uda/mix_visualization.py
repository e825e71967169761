"""The image grid DACS logs: source, target, mixed image and their labels."""
from typing import Optional, Sequence

import numpy as np
import torch

from mmasm.utils import rgb_grid


def label_palette(num_classes: int,
                  palette: Optional[Sequence] = None) -> torch.Tensor:
    """``(num_classes, 3)`` uint8 colours: ``palette`` (e.g. the dataset's)
    completed with fixed random colours."""
    colours = torch.randint(
        0,
        256, (max(num_classes, 1), 3),
        generator=torch.Generator().manual_seed(0),
        dtype=torch.uint8)
    if palette is not None:
        known = torch.tensor(
            np.asarray(palette)[:num_classes], dtype=torch.uint8)
        colours[:len(known)] = known
    return colours


def colorize(labels: torch.Tensor, palette: torch.Tensor) -> torch.Tensor:
    """``(B, H, W)`` class maps -> ``(B, 3, H, W)`` RGB in [0, 1]; classes
    outside the palette (ignore) are black."""
    labels = labels.long().cpu()
    known = labels < len(palette)
    rgb = palette[labels.clamp(max=len(palette) - 1)].float() / 255.0
    rgb[~known] = 0
    return rgb.permute(0, 3, 1, 2)


def mix_grid(source: torch.Tensor,
             target: torch.Tensor,
             mixed: torch.Tensor,
             source_labels: torch.Tensor,
             pseudo_labels: torch.Tensor,
             mixed_labels: torch.Tensor,
             mixed_weight: torch.Tensor,
             palette: torch.Tensor,
             max_images: int = 4) -> np.ndarray:
    """Rows: source image, target image, augmented mixed image, source
    label, pseudo-label, mixed label, mixed pixel weight (grey)."""
    n = min(max_images, len(source))
    weight = mixed_weight[:n].detach().float().cpu().unsqueeze(1).expand(
        -1, 3, -1, -1)
    rows = [
        source[:n].cpu(), target[:n].cpu(), mixed[:n].cpu(),
        colorize(source_labels[:n], palette),
        colorize(pseudo_labels[:n], palette),
        colorize(mixed_labels[:n], palette), weight
    ]
    return rgb_grid(rows)

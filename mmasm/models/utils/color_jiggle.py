"""The colour jitter of DAFormer's and MIC's code: kornia 0.5's
``ColorJitter`` (kept by later kornia as ``ColorJiggle``), which differs
from torchvision's: brightness is added, contrast scales the values
(around 0, not the mean grey), saturation and hue act in HSV. The
operations below follow kornia 0.5.8 (``kornia/enhance/adjust.py``,
``kornia/color/hsv.py``) on RGB images in [0, 1]."""
import math
from typing import Sequence

import torch


def rgb_to_hsv(image: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """``(..., 3, H, W)`` RGB -> HSV, hue in [0, 2π)."""
    maxc, _ = image.max(-3)
    maxc_mask = image == maxc.unsqueeze(-3)
    # the first channel holding the maximum
    _, max_indices = ((maxc_mask.cumsum(-3) == 1) & maxc_mask).max(-3)
    minc = image.min(-3)[0]
    deltac = maxc - minc
    s = deltac / (maxc + eps)
    deltac = torch.where(deltac == 0, torch.ones_like(deltac), deltac)
    maxc_tmp = maxc.unsqueeze(-3) - image
    rc, gc, bc = maxc_tmp[..., 0, :, :], maxc_tmp[...,
                                                  1, :, :], maxc_tmp[...,
                                                                     2, :, :]
    h = torch.stack([bc - gc, 2.0 * deltac + rc - bc, 4.0 * deltac + gc - rc],
                    dim=-3)
    h = torch.gather(h, dim=-3, index=max_indices[..., None, :, :]).squeeze(-3)
    h = ((h / deltac) / 6.0) % 1.0
    return torch.stack([2 * math.pi * h, s, maxc], dim=-3)


def hsv_to_rgb(image: torch.Tensor) -> torch.Tensor:
    """``(..., 3, H, W)`` HSV (hue in radians) -> RGB."""
    h = image[..., 0, :, :] / (2 * math.pi)
    s, v = image[..., 1, :, :], image[..., 2, :, :]
    hi = torch.floor(h * 6) % 6
    f = ((h * 6) % 6) - hi
    one = torch.tensor(1.0, device=image.device)
    p, q, t = v * (one - s), v * (one - f * s), v * (one - (one - f) * s)
    hi = hi.long()
    indices = torch.stack([hi, hi + 6, hi + 12], dim=-3)
    out = torch.stack((v, q, p, p, t, v, t, v, v, q, p, p, p, p, t, v, v, q),
                      dim=-3)
    return torch.gather(out, -3, indices)


def _saturation(image: torch.Tensor, factor: float) -> torch.Tensor:
    h, s, v = torch.chunk(rgb_to_hsv(image), chunks=3, dim=-3)
    return hsv_to_rgb(torch.cat([h, torch.clamp(s * factor, 0, 1), v], dim=-3))


def _hue(image: torch.Tensor, shift: float) -> torch.Tensor:
    """``shift`` in turns (kornia's ``hue_factor``)."""
    h, s, v = torch.chunk(rgb_to_hsv(image), chunks=3, dim=-3)
    h = torch.fmod(h + shift * 2 * math.pi, 2 * math.pi)
    return hsv_to_rgb(torch.cat([h, s, v], dim=-3))


def color_jiggle(image: torch.Tensor, brightness: float, contrast: float,
                 saturation: float, hue: float,
                 order: Sequence[int]) -> torch.Tensor:
    """kornia 0.5's ``ColorJitter`` with its drawn parameters: factors
    around 1 for brightness (added as ``factor - 1``), contrast and
    saturation, hue shift in turns, the four in ``order`` (0 brightness, 1
    contrast, 2 saturation, 3 hue)."""
    ops = [
        lambda x: torch.clamp(x + (brightness - 1), 0.0, 1.0),
        lambda x: torch.clamp(x * contrast, 0.0, 1.0),
        lambda x: _saturation(x, saturation), lambda x: _hue(x, hue)
    ]
    for k in order:
        image = ops[int(k)](image)
    return image

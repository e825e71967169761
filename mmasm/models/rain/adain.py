"""Style statistics and adaptive instance normalisation (AdaIN)."""
from typing import Tuple

import torch

#: Added to the variance before the square root, as in AdaIN and RAIN.
STD_EPS = 1e-5


def style_statistics(
        feat: torch.Tensor,
        eps: float = STD_EPS) -> Tuple[torch.Tensor, torch.Tensor]:
    """Per-channel mean and std of ``(N, C, H, W)`` features, each ``(N, C)``.

    ``std = sqrt(var + eps)`` with the unbiased variance, as the reference
    AdaIN code computes it.
    """
    flat = feat.flatten(2)
    return flat.mean(dim=2), (flat.var(dim=2) + eps).sqrt()


def adain(content: torch.Tensor, style_mean: torch.Tensor,
          style_std: torch.Tensor) -> torch.Tensor:
    """AdaIN(f_c, mu_s, sigma_s): give ``content`` the style's channel stats."""
    mean, std = style_statistics(content)
    normalised = (content - mean[..., None, None]) / std[..., None, None]
    return normalised * style_std[..., None, None] + style_mean[..., None,
                                                                None]

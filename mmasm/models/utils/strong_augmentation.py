"""DACS' strong augmentation of the mixed image: colour jitter and Gaussian
blur (Tranheden et al., WACV 2021; parameters of the authors' code, kept by
DAFormer and MIC)."""
import math
from typing import Sequence

import torch
import torchvision.transforms.v2.functional as TF

from .color_jiggle import color_jiggle

#: ``'authors'``: kornia 0.5's operations (DAFormer's and MIC's code);
#: ``'torchvision'``: torchvision's ``ColorJitter`` operations.
JITTER_MODES = ('authors', 'torchvision')


def uniform(generator: torch.Generator,
            low: float = 0.0,
            high: float = 1.0) -> float:
    return low + (high - low) * torch.rand(1, generator=generator).item()


def color_jitter(image: torch.Tensor,
                 strength: float,
                 generator: torch.Generator,
                 mode: str = 'authors') -> torch.Tensor:
    """Brightness, contrast, saturation (factors in ``[1 - s, 1 + s]``) and
    hue (shift in ``[-s, s]`` turns) in random order, on an RGB ``(3, H, W)``
    image in [0, 1]: kornia 0.5's operations (``mode='authors'``: added
    brightness, contrast scaled around zero, HSV saturation and hue) or
    torchvision's ``ColorJitter`` ones (``'torchvision'``)."""
    if mode not in JITTER_MODES:
        raise ValueError(
            f'colour jitter mode must be one of {JITTER_MODES}, got {mode!r}')
    factors = [
        uniform(generator, max(0.0, 1 - strength), 1 + strength)
        for _ in range(3)
    ]
    hue = uniform(generator, -min(strength, 0.5), min(strength, 0.5))
    order = torch.randperm(4, generator=generator).tolist()
    if mode == 'authors':
        return color_jiggle(image, *factors, hue, order)
    ops = [
        lambda x: TF.adjust_brightness(x, factors[0]),
        lambda x: TF.adjust_contrast(x, factors[1]),
        lambda x: TF.adjust_saturation(x, factors[2]),
        lambda x: TF.adjust_hue(x, hue)
    ]
    for k in order:
        image = ops[k](image).clamp(0, 1)
    return image


def blur_kernel_size(size: int) -> int:
    """The authors' kernel: the largest odd number <= ceil(0.1 * size)."""
    k = math.ceil(0.1 * size)
    return max(1, k if k % 2 else k - 1)


def gaussian_blur(image: torch.Tensor, sigma: float) -> torch.Tensor:
    """Gaussian blur with a kernel of about a tenth of the image size."""
    height, width = image.shape[-2:]
    return TF.gaussian_blur(
        image, [blur_kernel_size(width),
                blur_kernel_size(height)], [sigma, sigma])


def strong_augment(images: torch.Tensor,
                   generators: Sequence[torch.Generator],
                   jitter_prob: float = 0.8,
                   jitter_strength: float = 0.2,
                   blur_prob: float = 0.5,
                   blur_sigma=(0.15, 1.15),
                   jitter_mode: str = 'authors') -> torch.Tensor:
    """Per image ``(B, 3, H, W)`` RGB in [0, 1], each with its own generator:
    colour jitter with probability ``jitter_prob`` (the authors' code: jitter
    when ``U(0, 1) > 0.2``), then blur with probability ``blur_prob`` and
    ``sigma ~ U(0.15, 1.15)``. The authors draw both decisions once per batch.
    ``jitter_mode``: see :func:`color_jitter`."""
    out = []
    # torchvision's hue shift turns values a rounding error below 0 into NaN
    for image, gen in zip(images.clamp(0, 1), generators):
        if uniform(gen) < jitter_prob:
            image = color_jitter(image, jitter_strength, gen, jitter_mode)
        if uniform(gen) < blur_prob:
            image = gaussian_blur(image, uniform(gen, *blur_sigma))
        out.append(image)
    return torch.stack(out)

"""Sizes and padding of the images RAIN renders (shared by RAIN, ASM and ASH)."""
from typing import Sequence, Tuple

import torch
import torch.nn.functional as F

from .vgg_encoder import VGGEncoder


def check_images(images: torch.Tensor,
                 min_size: int = VGGEncoder.min_size) -> None:
    """Raise a clear error unless ``images`` is a finite ``(N, 3, H, W)``
    float batch with ``H, W >= min_size``."""
    if not torch.is_tensor(images) or images.dim(
    ) != 4 or images.shape[1] != 3:
        shape = tuple(
            images.shape) if torch.is_tensor(images) else type(images)
        raise ValueError(f'RAIN expects RGB images as an (N, 3, H, W) tensor '
                         f'in [0, 1], got {shape}')
    if not images.is_floating_point():
        raise TypeError(f'RAIN expects float images in [0, 1], got '
                        f'{images.dtype}; divide uint8 images by 255')
    if min(images.shape[-2:]) < min_size:
        raise ValueError(f'images of size {tuple(images.shape[-2:])} are '
                         f'smaller than the {min_size} pixels RAIN needs')
    if not torch.isfinite(images).all():
        raise ValueError('RAIN got non-finite (NaN or inf) pixel values')


def reflect_pad(images: torch.Tensor,
                stride: int = VGGEncoder.stride) -> torch.Tensor:
    """RGB images reflection-padded (bottom, right) to a multiple of ``stride``
    (the encoder's 8), as AdaIN's encoder expects; crop the output back."""
    check_images(images)
    pad_h, pad_w = -images.shape[-2] % stride, -images.shape[-1] % stride
    if pad_h or pad_w:
        images = F.pad(images, (0, pad_w, 0, pad_h), mode='reflect')
    return images


def resize(images: torch.Tensor, size: Sequence[int]) -> torch.Tensor:
    """Bilinear, antialiased resize; the images themselves if the size fits."""
    if tuple(images.shape[-2:]) == tuple(size):
        return images
    return F.interpolate(
        images,
        tuple(size),
        mode='bilinear',
        align_corners=False,
        antialias=True)


def bicubic_resize(images: torch.Tensor, size: Sequence[int]) -> torch.Tensor:
    """Antialiased bicubic resize clipped to [0, 1], as the ASM authors'
    ``PIL.Image.resize(..., BICUBIC)`` of their target image (PIL clips its
    8-bit result); the images themselves if the size fits."""
    if tuple(images.shape[-2:]) == tuple(size):
        return images
    return F.interpolate(
        images,
        tuple(size),
        mode='bicubic',
        align_corners=False,
        antialias=True).clamp_(0, 1)


def render_size(size: Sequence[int], scale: float) -> Tuple[int, int]:
    """The size RAIN renders an image of ``size`` at with ``render_scale``
    ``scale`` (not below the encoder's minimum)."""
    return tuple(
        max(round(side * scale), VGGEncoder.min_size) for side in size)

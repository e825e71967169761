"""Loading a frozen RAIN and computing target anchors from images or files.

>>> rain = load_rain('rain.pth')
>>> psi, xi = compute_anchor(rain, 'target.png')
"""
import functools
import logging
import os
import os.path as osp
from typing import List, Optional, Sequence, Tuple, Union

import torch
from mmengine.logging import print_log

from mmasm.utils.image_io import list_images, read_rgb
from .checkpoint import (encoder_tap_of, load_rain_checkpoint,
                         rain_state_dict_from_file)
from .rain import RAIN
from .resampling import bicubic_resize

#: What ``images`` / ``target`` arguments accept: a ``(N, 3, H, W)`` or
#: ``(3, H, W)`` RGB tensor in [0, 1], an image file or folder, or a
#: sequence of image files and ``(3, H, W)`` tensors (sizes may differ).
Images = Union[torch.Tensor, str, os.PathLike, Sequence[Union[str, os.PathLike,
                                                              torch.Tensor]]]


def outside_inference(func):
    """Run ``func`` under ``torch.inference_mode`` and return ordinary
    tensors, so that results can later enter autograd (e.g. ASM's eps)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with torch.inference_mode():
            result = func(*args, **kwargs)
        if torch.is_tensor(result):
            return result.clone()
        return type(result)(t.clone() for t in result)

    return wrapper


def _existing(checkpoint) -> str:
    checkpoint = os.fspath(checkpoint)
    if not osp.isfile(checkpoint):
        raise FileNotFoundError(f'RAIN checkpoint not found: {checkpoint!r}')
    return checkpoint


def checkpoint_encoder_tap(checkpoint: str) -> str:
    """The encoder tap of a RAIN checkpoint's weights (``'relu4_1'`` for a
    file without encoder weights, e.g. a decoder + VAE file)."""
    conv = encoder_tap_of(rain_state_dict_from_file(checkpoint)) or 'conv4_1'
    return 'relu' + conv[len('conv'):]


def load_rain(checkpoint: Optional[str] = None,
              device: str = 'cpu',
              vae_depth: int = 3,
              encoder_tap: Optional[str] = None) -> RAIN:
    """Build a frozen RAIN in eval mode, with weights from ``checkpoint``.

    Args:
        checkpoint: an mmasm RAIN checkpoint; ``None`` keeps the random
            initialisation (stylized images are then noise).
        device: where to put the model.
        vae_depth: Linear layers per side of the style VAE (3 = authors').
        encoder_tap: RAIN's ``encoder_tap``; ``None``: the checkpoint's
            (relu4_1 without a checkpoint).
    """
    if encoder_tap is None:
        encoder_tap = 'relu4_1' if checkpoint is None else checkpoint_encoder_tap(
            _existing(checkpoint))
    rain = RAIN(vae_depth=vae_depth, encoder_tap=encoder_tap)
    if checkpoint is None:
        print_log(
            'load_rain: no checkpoint given, RAIN is randomly '
            'initialised',
            logger='current',
            level=logging.WARNING)
    else:
        load_rain_checkpoint(rain, _existing(checkpoint))
    # channels_last: 1.9x faster stylization on CPU (bench_rain.py).
    return rain.to(
        device, memory_format=torch.channels_last).eval().requires_grad_(False)


def rain_device(rain: RAIN) -> torch.device:
    return next(rain.parameters()).device


def image_list(images: Images, device: torch.device) -> List[torch.Tensor]:
    """``images`` as a list of ``(1, 3, H, W)`` tensors on ``device``."""
    if torch.is_tensor(images):
        batch = images[None] if images.dim() == 3 else images
        return [img[None].to(device) for img in batch]
    if isinstance(images, (str, os.PathLike)):
        images = [images]
    tensors = []
    for item in images:
        if torch.is_tensor(item):
            tensors.append(item[None].to(device))
        else:
            tensors.extend(
                read_rgb(path)[None].to(device) for path in list_images(item))
    if not tensors:
        raise ValueError('no image given')
    return tensors


@outside_inference
def compute_anchor(rain: RAIN,
                   target_images: Images,
                   size: Optional[Sequence[int]] = None
                   ) -> Tuple[torch.Tensor, torch.Tensor]:
    """The style anchor ``(psi, xi) = E_vae(E(x_T))``, one row per target
    image (one row for one-shot, k rows for the paper's k-anchor variant).

    Each image is encoded on its own, so sizes may differ. ``size``
    ``(H, W)``: encode each image resized to it (antialiased bicubic, see
    :func:`bicubic_resize`); the relu4_1 statistics depend on the scale,
    and the ASM authors encode their target at 1024x512, the size of their
    source crops. ``None``: at each image's own size.
    """
    images = image_list(target_images, rain_device(rain))
    if size is not None:
        images = [bicubic_resize(img, size) for img in images]
    anchors = [rain.anchor(img) for img in images]
    psi, xi = zip(*anchors)
    return torch.cat(psi), torch.cat(xi)


@outside_inference
def target_statistics(
        rain: RAIN,
        target_images: Images) -> Tuple[torch.Tensor, torch.Tensor]:
    """True relu4_1 channel ``(mean, std)`` of each target image, each
    ``(k, 512)``: the plain AdaIN style, without the style VAE."""
    stats = [
        rain.style_statistics(img)
        for img in image_list(target_images, rain_device(rain))
    ]
    mean, std = zip(*stats)
    return torch.cat(mean), torch.cat(std)

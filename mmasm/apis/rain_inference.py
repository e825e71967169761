"""A small Python API to stylize images with a pretrained RAIN.

>>> rain = load_rain('rain.pth')
>>> anchor = compute_anchor(rain, 'target.png')
>>> out = stylize(rain, read_rgb('source.png'), mode='anchored',
...               anchor=anchor)
"""
import functools
import logging
import os
import os.path as osp
from typing import List, Optional, Sequence, Tuple, Union

import torch
from mmengine.logging import print_log

from mmasm.models.rain import RAIN
from mmasm.models.rain.checkpoint import load_rain_checkpoint
from .image_io import list_images, read_rgb

#: What ``images`` / ``target`` arguments accept: a ``(N, 3, H, W)`` or
#: ``(3, H, W)`` RGB tensor in [0, 1], an image file or folder, or a
#: sequence of image files and ``(3, H, W)`` tensors (sizes may differ).
Images = Union[torch.Tensor, str, os.PathLike,
               Sequence[Union[str, os.PathLike, torch.Tensor]]]

STYLIZE_MODES = ('random', 'anchored', 'target')


def _outside_inference(func):
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


def load_rain(checkpoint: Optional[str] = None, device: str = 'cpu',
              vae_depth: int = 3) -> RAIN:
    """Build a frozen RAIN in eval mode, with weights from ``checkpoint``.

    Args:
        checkpoint: an mmasm RAIN checkpoint; ``None`` keeps the random
            initialisation (stylized images are then noise).
        device: where to put the model.
        vae_depth: Linear layers per side of the style VAE (3 = authors').
    """
    rain = RAIN(vae_depth=vae_depth)
    if checkpoint is None:
        print_log('load_rain: no checkpoint given, RAIN is randomly '
                  'initialised', logger='current', level=logging.WARNING)
    else:
        checkpoint = os.fspath(checkpoint)
        if not osp.isfile(checkpoint):
            raise FileNotFoundError(
                f'RAIN checkpoint not found: {checkpoint!r}')
        load_rain_checkpoint(rain, checkpoint)
    # channels_last: 1.9x faster stylization on CPU (bench_rain.py).
    return rain.to(device, memory_format=torch.channels_last).eval().requires_grad_(False)


def _device(rain: RAIN) -> torch.device:
    return next(rain.parameters()).device


def _image_list(images: Images, device: torch.device) -> List[torch.Tensor]:
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
            tensors.extend(read_rgb(path)[None].to(device)
                           for path in list_images(item))
    if not tensors:
        raise ValueError('no image given')
    return tensors


@_outside_inference
def compute_anchor(rain: RAIN,
                   target_images: Images) -> Tuple[torch.Tensor, torch.Tensor]:
    """The style anchor ``(psi, xi) = E_vae(E(x_T))``, one row per target
    image (one row for one-shot, k rows for the paper's k-anchor variant).

    Each image is encoded on its own, so sizes may differ.
    """
    anchors = [rain.anchor(img) for img in _image_list(target_images,
                                                         _device(rain))]
    psi, xi = zip(*anchors)
    return torch.cat(psi), torch.cat(xi)


@_outside_inference
def target_statistics(rain: RAIN, target_images: Images
                      ) -> Tuple[torch.Tensor, torch.Tensor]:
    """True relu4_1 channel ``(mean, std)`` of each target image, each
    ``(k, 512)``: the plain AdaIN style, without the style VAE."""
    stats = [rain.style_statistics(img) for img in _image_list(
        target_images, _device(rain))]
    mean, std = zip(*stats)
    return torch.cat(mean), torch.cat(std)


def _pick_rows(rows: Sequence[torch.Tensor], num: int,
               what: str) -> List[torch.Tensor]:
    """Tensors of one row (for all images) or of one row per image, as
    ``num`` rows each."""
    if len(rows[0]) == 1:
        return [r.expand(num, -1) for r in rows]
    if len(rows[0]) != num:
        raise ValueError(f'{len(rows[0])} {what} for {num} images: give one, '
                         f'or one per image')
    return rows


def _style_eps(rain, num, mode, anchor, target, generator):
    if mode == 'random':
        return rain.sample_eps(num, generator=generator)
    if anchor is None:
        if target is None:
            raise ValueError("mode 'anchored' needs anchor=(psi, xi) or "
                             'target images')
        anchor = compute_anchor(rain, target)
    psi, xi = (a.to(_device(rain)) for a in anchor)
    return rain.sample_eps(num, psi, xi, generator=generator)


@_outside_inference
def stylize(rain: RAIN, images: Images, mode: str = 'random',
            anchor: Optional[Tuple[torch.Tensor, torch.Tensor]] = None,
            target: Optional[Images] = None,
            generator: Optional[torch.Generator] = None,
            alpha: float = 1.0, eps: Optional[torch.Tensor] = None
            ) -> Union[torch.Tensor, List[torch.Tensor]]:
    """Stylize RGB images in ``[0, 1]`` with RAIN; outputs clamped to [0, 1].

    Modes:
        - ``'random'``: ``eps ~ N(0, I)``, a random style.
        - ``'anchored'``: ``eps ~ N(psi, xi)`` of ``anchor`` (or of the
          ``target`` images' anchor); with k anchors one is drawn per image.
        - ``'target'``: plain AdaIN with the true statistics of the
          ``target`` image(s) (one, or one per image), no VAE: a reference
          for what RAIN's VAE reconstructs.

    Args:
        images: see :data:`Images`. A tensor gives a tensor of the same
            shape; files and sequences give a list of ``(3, H, W)`` tensors.
        eps: explicit latent codes ``(N, 512)``; overrides the sampling of
            the 'random' / 'anchored' modes.
        generator: for reproducible sampling of eps.
        alpha: content-style trade-off; 1 = full style.
    """
    if mode not in STYLIZE_MODES:
        raise ValueError(f'mode must be one of {STYLIZE_MODES}, got {mode!r}')
    tensors = _image_list(images, _device(rain))
    num = len(tensors)
    if mode == 'target':
        if target is None:
            raise ValueError("mode 'target' needs target images")
        mean, std = _pick_rows(target_statistics(rain, target), num,
                               'target images')
        outputs = [rain.render_statistics(rain.content_features(img), mean[i:i + 1],
                                          std[i:i + 1], img.shape[-2:], alpha)
                   for i, img in enumerate(tensors)]
    else:
        if eps is None:
            eps = _style_eps(rain, num, mode, anchor, target, generator)
        eps = _pick_rows([eps.to(_device(rain))], num, 'eps rows')[0]
        outputs = [rain.stylize(img, eps[i:i + 1], alpha)
                   for i, img in enumerate(tensors)]
    outputs = [out.clamp(0, 1) for out in outputs]
    if torch.is_tensor(images):
        batch = torch.cat(outputs)
        return batch[0] if images.dim() == 3 else batch
    return [out[0] for out in outputs]

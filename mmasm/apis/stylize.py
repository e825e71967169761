"""Stylizing images with a pretrained RAIN, from Python.

>>> rain = load_rain('rain.pth')
>>> anchor = compute_anchor(rain, 'target.png')
>>> out = stylize(rain, read_rgb('source.png'), mode='anchored',
...               anchor=anchor)
"""
from typing import List, Optional, Sequence, Tuple, Union

import torch

from mmasm.models.rain import RAIN, compute_anchor, target_statistics
from mmasm.models.rain.inference import (Images, image_list, outside_inference,
                                         rain_device)

STYLIZE_MODES = ('random', 'anchored', 'target')


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
    psi, xi = (a.to(rain_device(rain)) for a in anchor)
    return rain.sample_eps(num, psi, xi, generator=generator)


@outside_inference
def stylize(
    rain: RAIN,
    images: Images,
    mode: str = 'random',
    anchor: Optional[Tuple[torch.Tensor, torch.Tensor]] = None,
    target: Optional[Images] = None,
    generator: Optional[torch.Generator] = None,
    alpha: float = 1.0,
    eps: Optional[torch.Tensor] = None
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
    tensors = image_list(images, rain_device(rain))
    num = len(tensors)
    if mode == 'target':
        if target is None:
            raise ValueError("mode 'target' needs target images")
        mean, std = _pick_rows(
            target_statistics(rain, target), num, 'target images')
        outputs = [
            rain.render_statistics(
                rain.content_features(img), mean[i:i + 1], std[i:i + 1],
                img.shape[-2:], alpha) for i, img in enumerate(tensors)
        ]
    else:
        if eps is None:
            eps = _style_eps(rain, num, mode, anchor, target, generator)
        eps = _pick_rows([eps.to(rain_device(rain))], num, 'eps rows')[0]
        outputs = [
            rain.stylize(img, eps[i:i + 1], alpha)
            for i, img in enumerate(tensors)
        ]
    outputs = [out.clamp(0, 1) for out in outputs]
    if torch.is_tensor(images):
        batch = torch.cat(outputs)
        return batch[0] if images.dim() == 3 else batch
    return [out[0] for out in outputs]

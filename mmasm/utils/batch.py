"""Batch plumbing for ASMHook: from mmseg's collated batch to RAIN and back.

The collated batch holds BGR ``uint8`` ``(3, H, W)`` tensors and
``SegDataSample``s; RAIN works on RGB floats in ``[0, 1]``. A stylized
image goes back as a float BGR ``[0, 255]`` tensor that still carries the
gradient to ``eps``: mmseg's ``SegDataPreProcessor`` is differentiable.
"""
from typing import Sequence

import torch


def bgr255_to_rgb01(inputs: Sequence[torch.Tensor], device) -> torch.Tensor:
    """Stack a batch's BGR ``(3, H, W)`` images as RGB floats in [0, 1]."""
    sizes = {tuple(img.shape) for img in inputs}
    if len(sizes) != 1 or len(next(iter(sizes))) != 3 or next(
            iter(sizes))[0] != 3:
        raise ValueError(
            'ASMHook needs a batch of equally sized (3, H, W) images '
            f'(crop them in the pipeline); got shapes {sorted(sizes)}')
    images = torch.stack(list(inputs)).to(device, torch.float32)
    return images.flip(1) / 255.0


class StraightThroughClamp(torch.autograd.Function):
    """``x.clamp(low, high)`` forward, identity backward: one pass over the
    pixels instead of the three of ``x + (x.clamp() - x).detach()``."""

    @staticmethod
    def forward(ctx, x, low: float, high: float):
        return x.clamp(low, high)

    @staticmethod
    def backward(ctx, grad):
        return grad, None, None


def rgb01_to_bgr255(images: torch.Tensor, clamp: bool = True) -> torch.Tensor:
    """RGB [0, 1] -> BGR [0, 255].

    ``clamp=True``: values clamped to [0, 255] with a straight-through
    gradient, so that pixels outside the range still pass the loss gradient
    to eps; ``False``: the raw values (RAIN's decoder output is unbounded),
    as the ASM authors feed their segmentor.
    """
    bgr = images.flip(1) * 255.0
    if not clamp:
        return bgr
    if bgr.requires_grad:
        return StraightThroughClamp.apply(bgr, 0.0, 255.0)
    return bgr.clamp_(0, 255)


def make_style_batch(stylized: torch.Tensor, inputs: Sequence[torch.Tensor],
                     samples: Sequence, keep_source: bool) -> dict:
    """A batch of stylized images (plus the unstylized sources with
    ``keep_source``) with copies of the data samples.

    Each sample's metainfo gets ``content_id``: the index of its source
    image, shared by its stylized and unstylized versions, which is what
    the consistency loss (Eq. 7) groups by.
    """
    new_inputs, new_samples = list(stylized.unbind(0)), []
    for i, sample in enumerate(samples):
        new_samples.append(_tagged_copy(sample, i))
    if keep_source:
        new_inputs += list(inputs)
        new_samples += [_tagged_copy(s, i) for i, s in enumerate(samples)]
    return dict(inputs=new_inputs, data_samples=new_samples)


def _tagged_copy(sample, content_id: int):
    # mmseg's preprocessor pads data samples in place: never share one.
    copy = sample.clone()
    copy.set_metainfo(dict(content_id=content_id))
    return copy

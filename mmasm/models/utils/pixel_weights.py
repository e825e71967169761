"""Per-pixel loss weights through mmseg's own decode-head losses.

mmseg 1.x heads take no pixel weights in ``loss``, but every
``BaseDecodeHead.loss_by_feat`` asks its ``sampler`` for them and hands them
to each of its loss modules as ``weight=`` (DAFormer patched its mmseg 0.16
heads with a ``seg_weight`` argument for the same purpose). While the block
runs, every head of the segmentor (decode head and auxiliary heads) gets a
sampler that returns the given weights (times its own sampler's, e.g. OHEM),
so a forward in ``'loss'`` mode computes the weighted losses with the user's
loss configuration (class weights, ``avg_non_ignore``, several losses, ...).
"""
from contextlib import contextmanager
from typing import Iterator, List, Optional

import torch
import torch.nn as nn


class PixelWeightSampler:
    """A pixel "sampler" returning fixed ``(B, H, W)`` weights."""

    def __init__(self, weight: torch.Tensor, head: nn.Module, inner=None):
        self.weight, self.head, self.inner = weight, head, inner
        self.calls = 0

    def sample(self, seg_logit: torch.Tensor,
               seg_label: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        if self.weight.shape[-2:] != seg_label.shape[-2:]:
            raise ValueError(
                f'pixel weights of size {tuple(self.weight.shape[-2:])} for labels '
                f'of size {tuple(seg_label.shape[-2:])}')
        weight = self.weight.to(seg_logit.dtype)
        if self.inner is not None:
            weight = weight * self.inner.sample(seg_logit, seg_label)
        return weight


def segmentation_heads(segmentor: nn.Module) -> List[nn.Module]:
    """The decode head and the auxiliary heads of an mmseg segmentor."""
    heads = [segmentor.decode_head]
    aux = getattr(segmentor, 'auxiliary_head', None)
    if isinstance(aux, nn.ModuleList):
        heads += list(aux)
    elif aux is not None:
        heads.append(aux)
    return heads


@contextmanager
def pixel_weighted_losses(segmentor: nn.Module,
                          weight: Optional[torch.Tensor]) -> Iterator[None]:
    """Within the block, the losses of every head of ``segmentor`` (the bare
    module) weight each pixel by ``weight`` ``(B, H, W)`` (at label size).
    Raises if a head computed its loss without asking for the weights."""
    if weight is None:
        yield
        return
    heads = segmentation_heads(segmentor)
    samplers = [
        PixelWeightSampler(weight, head, head.sampler) for head in heads
    ]
    originals = [head.sampler for head in heads]
    for head, sampler in zip(heads, samplers):
        head.sampler = sampler
    try:
        yield
    finally:
        for head, original in zip(heads, originals):
            head.sampler = original
    ignored = [type(s.head).__name__ for s in samplers if s.calls == 0]
    if ignored:
        raise RuntimeError(
            f'{", ".join(ignored)} computed its loss without '
            'BaseDecodeHead.loss_by_feat, so pixel weights cannot reach it')

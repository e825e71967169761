"""Record one ASM style search against a segmentor, for figures and checks.

What ``ASMHook`` does inside training, step by step but without updating
the segmentor: for a batch of source images, draw ``eps`` around the
anchor, render, compute the segmentor's loss ``L_M`` on the stylized batch,
move ``eps`` up its gradient, and keep every ``eps``, loss and image (the
paper's Fig. 7 draws the ``eps`` path and the loss saw-tooth).
"""
from dataclasses import dataclass, field
from typing import List, Optional

import torch

from mmasm.models.asm import AdversarialStyleMining
from mmasm.utils import bgr255_to_rgb01, make_style_batch, rgb01_to_bgr255


@dataclass
class SearchTrace:
    """``eps[d]``: the ``(N, latent)`` codes at depth ``d`` (``depth + 1``
    entries); ``losses[d]``: ``L_M`` at depth ``d``; ``images[d]``: the
    stylized RGB batch at depth ``d``; ``source``: the RGB source batch."""
    source: torch.Tensor
    eps: List[torch.Tensor] = field(default_factory=list)
    losses: List[float] = field(default_factory=list)
    images: List[torch.Tensor] = field(default_factory=list)


def segmentor_loss(segmentor, batch: dict) -> torch.Tensor:
    """The total training loss of an mmseg segmentor on a collated batch
    (``inputs`` BGR images, ``data_samples`` with labels)."""
    data = segmentor.data_preprocessor(batch, True)
    losses = segmentor._run_forward(data, mode='loss')
    loss, _ = segmentor.parse_losses(losses)
    return loss


def trace_search(segmentor,
                 mining: AdversarialStyleMining,
                 batch: dict,
                 depth: int,
                 generator: Optional[torch.Generator] = None) -> SearchTrace:
    """Run ``depth`` ascent steps of ``mining`` (``sampling='asm'``) on a
    collated batch against a fixed ``segmentor`` (put in eval mode, its
    parameters untouched) and record the search.

    Args:
        segmentor: an mmseg segmentor (unwrapped), e.g. ``runner.model``.
        mining: the :class:`AdversarialStyleMining` with its anchor set, e.g.
            ``ASMHook.mining``.
        batch: ``dict(inputs=[BGR uint8 (3, H, W)], data_samples=[...])``, as
            a dataloader of mmseg's ``pseudo_collate`` gives it.
        depth: number of ascent steps (the paper's ``n``, or more to see
            where the search goes).
    """
    if mining.sampling != 'asm':
        raise ValueError(
            f"trace_search needs sampling='asm', got {mining.sampling!r}")
    device = next(segmentor.parameters()).device
    was_training = segmentor.training
    segmentor.eval()
    requires_grad = [p.requires_grad for p in segmentor.parameters()]
    segmentor.requires_grad_(False)
    try:
        source = bgr255_to_rgb01(batch['inputs'], device)
        search = mining.search(source, generator)
        trace = SearchTrace(source=source)
        for step in range(depth + 1):
            stylized = search.stylized()
            style_batch = make_style_batch(
                rgb01_to_bgr255(stylized),
                batch['inputs'],
                batch['data_samples'],
                keep_source=False)
            loss = segmentor_loss(segmentor, style_batch)
            trace.eps.append(search.eps.detach().clone())
            trace.losses.append(loss.item())
            trace.images.append(stylized.detach().clamp(0, 1))
            if step < depth:
                loss.backward()
                search.step(loss.item())
        return trace
    finally:
        for param, flag in zip(segmentor.parameters(), requires_grad):
            param.requires_grad_(flag)
        segmentor.train(was_training)

"""Calling an mmseg segmentor from inside a multi-network algorithm.

An algorithm that feeds the segmentor images of its own making (stylized,
mixed, masked) needs them preprocessed exactly as the loop's batch is, the
logits at the input size, the segmentor's class count, and extra forwards
that do not count as batches in the batch-norm statistics.
"""
from contextlib import contextmanager
from typing import Iterator, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.modules.batchnorm import _BatchNorm

from mmasm.utils import unwrap_model


def preprocess(segmentor: nn.Module, images: Sequence[torch.Tensor],
               data_samples: Sequence) -> torch.Tensor:
    """The segmentor's training inputs for BGR ``(3, H, W)`` images (uint8,
    or float in [0, 255]): normalised, padded and stacked by its own data
    preprocessor, as the loop's ``train_step`` does; differentiable. The
    data samples are cloned (mmseg pads them in place)."""
    data = dict(
        inputs=list(images), data_samples=[s.clone() for s in data_samples])
    return unwrap_model(segmentor).data_preprocessor(
        data, training=True)['inputs']


def segmentation_logits(segmentor: nn.Module,
                        inputs: torch.Tensor) -> torch.Tensor:
    """``(N, C, H, W)`` logits of preprocessed ``inputs`` at their size.

    What ``EncoderDecoder.encode_decode`` computes (backbone, decode head,
    bilinear resize with the head's ``align_corners``), but through the
    segmentor's ``forward`` (``mode='tensor'``), so ``segmentor`` may be a
    DDP wrapper whose backward reduces the gradients over ranks.
    """
    logits = segmentor(inputs, None, mode='tensor')
    size = tuple(inputs.shape[-2:])
    if tuple(logits.shape[-2:]) == size:
        return logits
    align_corners = unwrap_model(segmentor).decode_head.align_corners
    return F.interpolate(
        logits, size, mode='bilinear', align_corners=align_corners)


def segmentor_classes(segmentor: nn.Module,
                      user: str = 'this algorithm') -> int:
    """The class count of an mmseg segmentor's softmax output; a clear error,
    naming ``user``, for segmentors without one decode head or with a
    sigmoid output."""
    segmentor = unwrap_model(segmentor)
    head = getattr(segmentor, 'decode_head', None)
    if not isinstance(head, nn.Module) or not hasattr(head, 'num_classes'):
        raise TypeError(
            f'{user} needs an mmseg EncoderDecoder-like segmentor (one decode_head '
            f'with num_classes), got {type(segmentor).__name__}')
    if getattr(head, 'out_channels', head.num_classes) != head.num_classes:
        raise ValueError(
            f'{user} needs softmax outputs, but the decode head has '
            f'out_channels={head.out_channels} for '
            f'num_classes={head.num_classes} (use_sigmoid?)')
    return head.num_classes


@contextmanager
def batch_norm_statistics_kept(module: nn.Module) -> Iterator[nn.Module]:
    """Within the block, forwards in training mode leave the running
    statistics of the module's batch norms as they are (momentum 0, the
    batch counter restored), so an algorithm's extra forwards do not count
    as batches; the outputs are unchanged."""
    norms = [
        m for m in module.modules()
        if isinstance(m, _BatchNorm) and m.track_running_stats
    ]
    saved = [(m.momentum, None if m.num_batches_tracked is None else
              m.num_batches_tracked.clone()) for m in norms]
    for norm in norms:
        norm.momentum = 0.0
    try:
        yield module
    finally:
        for norm, (momentum, count) in zip(norms, saved):
            norm.momentum = momentum
            if count is not None:
                norm.num_batches_tracked.copy_(count)

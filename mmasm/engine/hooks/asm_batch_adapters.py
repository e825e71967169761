"""How ASMHook reads images from, and writes stylized images into, the
collated batch of each toolkit it trains.

Both toolkits' loaders yield BGR ``uint8`` images (mmcv's
``LoadImageFromFile``) and both data preprocessors (mmseg's
``SegDataPreProcessor``, mmpretrain's ``ClsDataPreprocessor``) cast, swap
channels and normalise differentiably, so the hook hands back float BGR
``[0, 255]`` images that carry the loss gradient to ``eps``. What differs
is the batch's container: mmseg collates a list of ``(3, H, W)`` tensors
with ``SegDataSample``s; mmpretrain's ``default_collate`` stacks an
``(N, 3, H, W)`` tensor with its ``DataSample``s. The adapter is chosen
from the batch's data samples, never from a config flag.
"""
from typing import Sequence

import torch
from mmseg.structures import SegDataSample

from mmasm.utils import bgr255_to_rgb01, make_style_batch, rgb01_to_bgr255


class SegBatchAdapter:
    """mmseg: lists of ``(3, H, W)`` images and ``SegDataSample``s."""

    @staticmethod
    def images(inputs, device) -> torch.Tensor:
        """The batch's images as RGB floats in [0, 1], ``(N, 3, H, W)``."""
        return bgr255_to_rgb01(inputs, device)

    @staticmethod
    def style_batch(stylized: torch.Tensor,
                    inputs,
                    samples: Sequence,
                    keep_source: bool,
                    clamp: bool = True) -> dict:
        """The batch to train on: the stylized images (RGB [0, 1]; clamped
        to the image range with a straight-through gradient if ``clamp``)
        and, with ``keep_source``, the unstylized ones, with tagged sample
        copies."""
        return make_style_batch(
            rgb01_to_bgr255(stylized, clamp), inputs, samples, keep_source)


class ClsBatchAdapter(SegBatchAdapter):
    """mmpretrain: a stacked ``(N, 3, H, W)`` tensor (``default_collate``)
    or a list (``pseudo_collate``) and ``DataSample``s."""

    @staticmethod
    def style_batch(stylized: torch.Tensor,
                    inputs,
                    samples: Sequence,
                    keep_source: bool,
                    clamp: bool = True) -> dict:
        batch = SegBatchAdapter.style_batch(stylized, inputs, samples,
                                            keep_source, clamp)
        if torch.is_tensor(inputs):  # keep the collate function's container
            batch['inputs'] = torch.stack(
                [image.float() for image in batch['inputs']])
        return batch


def batch_adapter(samples: Sequence):
    """The adapter for a batch whose data samples are ``samples``."""
    sample = samples[0] if len(samples) else None
    if isinstance(sample, SegDataSample):
        return SegBatchAdapter
    if type(sample).__module__.split(
            '.')[0] == 'mmpretrain' and 'gt_label' in sample:
        return ClsBatchAdapter
    raise TypeError(
        'ASMHook trains mmseg segmentors (SegDataSample) and mmpretrain '
        'classifiers (DataSample with gt_label); the batch holds '
        f'{type(sample).__name__} data samples')

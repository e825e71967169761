"""What self-training does differently with an HRDA student (lhoyer/HRDA's
``dacs.py``): the feature distance on the context features, and the
pseudo-label validity masks of ``PseudoLabelMargins``. (Pseudo-labels, the
mixed and the masked passes need nothing else: the teacher's ``'tensor'``
forward is HRDA's fused inference, and every student pass is HRDA's
training forward with its own detail crop.)"""
from typing import List, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from ..segmentors.hrda_encoder_decoder import HRDAEncoderDecoder
from .pseudo_labels import PseudoLabels


def feature_distance_inputs(
        segmentor: nn.Module, recorded: List[torch.Tensor],
        inputs: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """The student's last-level features of a source forward (``recorded``
    by ``capture_last_features``) and the images the frozen ImageNet
    backbone must see: for HRDA, the ``feature_scale`` pass (the context,
    first of the two backbone calls) and the images resized to it; else the
    only pass and the images."""
    if not isinstance(segmentor, HRDAEncoderDecoder):
        return recorded[-1], inputs
    index = segmentor.scales.index(segmentor.feature_scale)
    if index > 0 and segmentor.crop_size is not None:
        raise ValueError(
            'the feature distance of an HRDA student needs feature_scale = '
            f'the context scale {segmentor.scales[0]} (the detail pass sees '
            'a random crop); got feature_scale='
            f'{segmentor.feature_scale}')
    return recorded[index], segmentor.scaled(inputs, segmentor.feature_scale)


def masked_pseudo_labels(pseudo: PseudoLabels,
                         samples: Sequence) -> PseudoLabels:
    """``pseudo`` with its weights times each target sample's
    ``valid_pseudo_mask`` (HRDA's margins, moved by the crop), where the
    samples carry one; padding added by the data preprocessor is invalid."""
    masks = [s.metainfo.get('valid_pseudo_mask') for s in samples]
    if all(mask is None for mask in masks):
        return pseudo
    if any(mask is None for mask in masks):
        raise ValueError('some target samples have a valid_pseudo_mask and '
                         'some not; put PseudoLabelMargins in the target '
                         'pipeline of every target dataset')
    height, width = pseudo.weight.shape[-2:]
    valid = []
    for mask in masks:
        mask = torch.as_tensor(mask, dtype=pseudo.weight.dtype)
        if mask.shape[0] > height or mask.shape[1] > width:
            raise ValueError(f'valid_pseudo_mask {tuple(mask.shape)} larger '
                             f'than the target inputs {(height, width)}')
        valid.append(
            F.pad(mask, (0, width - mask.shape[1], 0, height - mask.shape[0])))
    weight = pseudo.weight * torch.stack(valid).to(pseudo.weight.device)
    return PseudoLabels(pseudo.label, weight, pseudo.confidence)

"""mmseg's EncoderDecoder plus ASM's consistency loss."""
from contextlib import contextmanager

import torch
from mmseg.models.segmentors import EncoderDecoder
from mmseg.utils import SampleList

from mmasm.registry import MODELS
from ..losses.consistency_loss import (authors_consistency, capture_outputs,
                                       content_groups, paper_consistency,
                                       stage_convs)
from ..utils.classifier_features import capture_classifier_input

CONSISTENCY_MODES = ('paper', 'authors')


@MODELS.register_module()
class ASMEncoderDecoder(EncoderDecoder):
    """:class:`EncoderDecoder` with the consistency loss of ASM (Luo et al.,
    NeurIPS 2020, Eq. 7), logged as ``loss_consistency``.

    Images whose data samples share a ``content_id`` metainfo (set by
    ``ASMHook`` on a stylized image and its original) form a group; the loss
    pulls their features together. It reuses the features of the ordinary
    training forward (no second pass), is weighted by ``consistency_weight``
    and is left out of the losses (not logged as 0) when no group has two
    or more images. Inference is :class:`EncoderDecoder`'s.

    Args:
        *args, **kwargs: every argument of :class:`EncoderDecoder`, so an
            mmseg config switches over by changing ``type`` only.
        consistency_weight: lambda of Eq. 7 (2e-4 in the paper); 0 turns
            the loss off.
        consistency_mode: ``'paper'``: mean over grouped images of
            ``||z - z_bar||_2`` with ``z`` the (flattened) feature the decode
            head gives its classifier, i.e. the "second-last layer" (for
            DeepLab-v2: the backbone's layer4 output; for SegformerHead: the
            fused feature). ``'authors'``: the authors' code, the mean squared
            per-channel L2 norm of (stylized - original) pre-BN conv outputs
            of the ResNet's layer4 blocks; needs a ResNet backbone and
            content groups of exactly two.
        check_labels: before each training forward, raise a ValueError
            naming the image if a label lies outside
            ``[0, num_classes)`` and is not the decode head's
            ``ignore_index``.
    """

    def __init__(self,
                 *args,
                 consistency_weight: float = 2e-4,
                 consistency_mode: str = 'paper',
                 check_labels: bool = True,
                 **kwargs):
        super().__init__(*args, **kwargs)
        if consistency_mode not in CONSISTENCY_MODES:
            raise ValueError(f'consistency_mode must be one of '
                             f'{CONSISTENCY_MODES}, got {consistency_mode!r}')
        if consistency_weight < 0:
            raise ValueError(f'consistency_weight must be >= 0, got '
                             f'{consistency_weight}')
        self.consistency_weight = float(consistency_weight)
        self.consistency_mode = consistency_mode
        self.check_labels = check_labels
        if consistency_mode == 'authors':
            stage_convs(self.backbone)  # fail at build time, not mid-run

    def loss(self, inputs: torch.Tensor, data_samples: SampleList) -> dict:
        """:meth:`EncoderDecoder.loss` plus ``loss_consistency``."""
        self._check_batch(inputs, data_samples)
        groups = content_groups(data_samples)
        if not groups or self.consistency_weight == 0:
            return super().loss(inputs, data_samples)
        with self._record_consistency_features() as recorded:
            losses = super().loss(inputs, data_samples)
        if self.consistency_mode == 'paper':
            loss = paper_consistency(recorded.feature, groups)
        else:
            loss = authors_consistency(recorded, groups)
        losses['loss_consistency'] = self.consistency_weight * loss
        return losses

    @contextmanager
    def _record_consistency_features(self):
        if self.consistency_mode == 'paper':
            with capture_classifier_input(self.decode_head) as recorded:
                yield recorded
        else:
            with capture_outputs(stage_convs(self.backbone)) as recorded:
                yield recorded

    def _check_batch(self, inputs: torch.Tensor,
                     data_samples: SampleList) -> None:
        if inputs.shape[0] == 0 or not data_samples:
            raise ValueError('ASMEncoderDecoder.loss got an empty batch (no '
                             'images); check the dataset and the hooks that '
                             'edit the batch')
        if len(data_samples) != inputs.shape[0]:
            raise ValueError(f'ASMEncoderDecoder.loss got {inputs.shape[0]} '
                             f'images but {len(data_samples)} data samples')
        if self.check_labels:
            for sample in data_samples:
                self._check_labels(sample)

    def _check_labels(self, sample) -> None:
        path = sample.metainfo.get('img_path', '<image without img_path>')
        if 'gt_sem_seg' not in sample:
            raise ValueError(f'{path}: training sample has no gt_sem_seg; '
                             f'is LoadAnnotations in the train pipeline?')
        labels = sample.gt_sem_seg.data
        ignore = self.decode_head.ignore_index
        bad = (labels < 0) | (labels >= self.num_classes)
        if ignore is not None:
            bad &= labels != ignore
        if bad.any():
            values = labels[bad].unique()[:10].tolist()
            raise ValueError(
                f'{path}: label values {values} are outside [0, '
                f'{self.num_classes - 1}] and not ignore_index={ignore}; '
                f'were the labels converted to train ids (see '
                f'tools/convert_datasets)?')

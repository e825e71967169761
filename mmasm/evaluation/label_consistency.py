"""Label consistency of generated images: the "FCN-score" of pix2pix and
CycleGAN (Isola et al. 2017, Zhu et al. 2017, §5.1.1).

A segmentor trained on the domain that generated images should look like
segments them; its predictions are scored against the labels of the images
they were generated from. The score is high when the images look like that
domain *and* keep their scene: a generator that erases the layout, or one
whose images look like nothing the segmentor knows, scores low.
"""
from typing import Dict, Optional, Sequence

import numpy as np
import torch
import torch.nn as nn
from mmseg.evaluation import IoUMetric

from mmasm.models.utils.segmentor_calls import segmentation_logits
from mmasm.utils import rgb01_to_bgr255, unwrap_model


@torch.no_grad()
def predict_labels(segmentor: nn.Module, images: torch.Tensor) -> torch.Tensor:
    """``(N, H, W)`` class predictions of an mmseg segmentor (in eval mode)
    for RGB ``(N, 3, H, W)`` images in [0, 1], preprocessed by its own data
    preprocessor as a test batch is."""
    model = unwrap_model(segmentor)
    device = next(model.parameters()).device
    bgr = rgb01_to_bgr255(images.to(device).clamp(0, 1))
    inputs = model.data_preprocessor(dict(inputs=list(bgr.unbind(0))),
                                     False)['inputs']
    height, width = images.shape[-2:]
    return segmentation_logits(model, inputs)[..., :height, :width].argmax(1)


class LabelConsistencyScore:
    """Accumulates a segmentor's intersections and unions with the source
    labels over batches of generated images; :meth:`result` is the mIoU.

    Args:
        segmentor: an mmseg segmentor trained on the domain the images
            should resemble (put in eval mode here).
        class_names: the segmentor's classes, in its label order.
        subset: the classes the mean is taken over (default: all);
            classes absent from the labels and never predicted are NaN and
            left out of the mean, as mmseg's :class:`IoUMetric` does.
        ignore_index: label value that is not scored.
    """

    def __init__(self,
                 segmentor: nn.Module,
                 class_names: Sequence[str],
                 subset: Optional[Sequence[str]] = None,
                 ignore_index: int = 255):
        self.segmentor = segmentor.eval()
        self.class_names = list(class_names)
        unknown = sorted(set(subset or ()) - set(self.class_names))
        if unknown:
            raise KeyError(
                f'label-consistency subset names {unknown}, not among the '
                f'segmentor classes {self.class_names}')
        self.subset = [
            self.class_names.index(c) for c in (subset or self.class_names)
        ]
        self.ignore_index = ignore_index
        self.intersect = torch.zeros(
            len(self.class_names), dtype=torch.float64)
        self.union = torch.zeros_like(self.intersect)

    def update(self, images: torch.Tensor, labels: torch.Tensor) -> None:
        """Score RGB ``(N, 3, H, W)`` images in [0, 1] against ``(N, H, W)``
        train-id labels of the images they came from."""
        if images.shape[0] != labels.shape[0] or images.shape[
                -2:] != labels.shape[-2:]:
            raise ValueError(
                f'label consistency needs one label map per image of the same '
                f'size, got images {tuple(images.shape)} and labels '
                f'{tuple(labels.shape)}')
        predictions = predict_labels(self.segmentor, images).cpu()
        for pred, label in zip(predictions, labels.cpu()):
            intersect, union, _, _ = IoUMetric.intersect_and_union(
                pred, label, len(self.class_names), self.ignore_index)
            self.intersect += intersect.double()
            self.union += union.double()

    def result(self) -> Dict[str, float]:
        """``mIoU`` over the subset and ``IoU.<class>`` for each class, in %."""
        with np.errstate(invalid='ignore', divide='ignore'):
            iou = (self.intersect / self.union).numpy() * 100
        scores = {'mIoU': float(np.nanmean(iou[self.subset]))}
        scores.update({
            f'IoU.{name}': float(value)
            for name, value in zip(self.class_names, iou)
        })
        return scores

"""DAFormer's ImageNet feature distance (Hoyer et al., CVPR 2022, Eq. 7-8)."""
from contextlib import contextmanager
from copy import deepcopy
from typing import Iterator, List, Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

#: Cityscapes' thing classes (train ids): traffic light, traffic sign,
#: person, rider, car, truck, bus, train, motorcycle, bicycle (DAFormer).
CITYSCAPES_THING_CLASSES = (6, 7, 11, 12, 13, 14, 15, 16, 17, 18)


def downscale_label_ratio(labels: torch.Tensor,
                          size,
                          min_ratio: float,
                          num_classes: int,
                          ignore_index: int = 255) -> torch.Tensor:
    """``(B, H, W)`` labels -> ``(B, h, w)``: each cell's majority class, or
    ``ignore_index`` where the majority is ignored or covers less than
    ``min_ratio`` (``r``) of the cell. (DAFormer average-pools with a kernel
    of the integer scale factor; adaptive pooling is the same when the
    feature size divides the label size, and still defined when it does not.)"""
    classes = labels.long().clone()
    classes[classes == ignore_index] = num_classes
    one_hot = F.one_hot(classes, num_classes + 1).permute(0, 3, 1, 2).float()
    ratio, label = F.adaptive_avg_pool2d(one_hot, size).max(dim=1)
    label[(label == num_classes) | (ratio < min_ratio)] = ignore_index
    return label


class ImageNetFeatureDistance(nn.Module):
    """``λ`` times the mean over thing-class cells of ``||F_θ(x_S) -
    F_ImageNet(x_S)||_2`` on the last feature level of the backbone (and
    neck), with a frozen copy of the initial (ImageNet) backbone. A cell
    counts when its downscaled source label (majority over the cell, at
    least ``r`` of it) is one of ``classes``; ``classes=None`` uses every
    cell (DAFormer's plain FD).

    Args:
        segmentor: the student; its backbone (and neck) are copied now and
            reloaded by :meth:`reset` once it is initialised.
        loss_weight: ``λ`` (0.005).
        classes: the thing classes.
        scale_min_ratio: ``r`` (0.75).
    """

    def __init__(self,
                 segmentor: nn.Module,
                 loss_weight: float = 0.005,
                 classes: Optional[Sequence[int]] = CITYSCAPES_THING_CLASSES,
                 scale_min_ratio: float = 0.75):
        super().__init__()
        self.backbone = deepcopy(segmentor.backbone)
        self.neck = deepcopy(segmentor.neck) if getattr(
            segmentor, 'with_neck', False) else None
        self.requires_grad_(False)
        self.loss_weight = loss_weight
        self.classes = None if classes is None else tuple(classes)
        self.scale_min_ratio = scale_min_ratio
        self.num_classes = segmentor.decode_head.num_classes
        self.ignore_index = segmentor.decode_head.ignore_index

    @torch.no_grad()
    def reset(self, segmentor: nn.Module) -> None:
        """Copy the (initialised, ImageNet) backbone and neck of ``segmentor``."""
        self.backbone.load_state_dict(segmentor.backbone.state_dict())
        if self.neck is not None:
            self.neck.load_state_dict(segmentor.neck.state_dict())

    @torch.no_grad()
    def imagenet_features(self, inputs: torch.Tensor) -> torch.Tensor:
        self.eval()
        features = self.backbone(inputs)
        if self.neck is not None:
            features = self.neck(features)
        return features[-1]

    def forward(self, student_features: torch.Tensor, inputs: torch.Tensor,
                labels: torch.Tensor) -> torch.Tensor:
        """The weighted feature distance of the student's last-level
        features of ``inputs`` with source ``labels`` ``(B, H, W)``."""
        distance = torch.norm(
            student_features - self.imagenet_features(inputs), p=2, dim=1)
        if self.classes is not None:
            cells = downscale_label_ratio(labels, distance.shape[-2:],
                                          self.scale_min_ratio,
                                          self.num_classes, self.ignore_index)
            mask = torch.isin(cells,
                              torch.tensor(self.classes, device=cells.device))
            distance = distance[mask]
        if distance.numel(
        ) == 0:  # DAFormer's mean would be NaN (and no gradient)
            return student_features.sum() * 0.0
        return self.loss_weight * distance.mean()


@contextmanager
def capture_last_features(
        segmentor: nn.Module) -> Iterator[List[torch.Tensor]]:
    """Record the last feature level that ``extract_feat`` of ``segmentor``
    (the bare module) produces while the block runs, e.g. during a forward
    through its DDP wrapper; the recorded tensor keeps its graph."""
    module = segmentor.neck if getattr(segmentor, 'with_neck',
                                       False) else segmentor.backbone
    recorded: List[torch.Tensor] = []
    handle = module.register_forward_hook(
        lambda m, args, out: recorded.append(out[-1]))
    try:
        yield recorded
    finally:
        handle.remove()

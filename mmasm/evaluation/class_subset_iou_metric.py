"""mIoU over named subsets of classes, e.g. SYNTHIA's 16 and 13 classes."""
from typing import Dict, Sequence

import numpy as np
from mmseg.evaluation import IoUMetric

from mmasm.registry import METRICS


@METRICS.register_module()
class ClassSubsetIoUMetric(IoUMetric):
    """:class:`IoUMetric` that also reports the mean IoU over class subsets.

    SYNTHIA -> Cityscapes is evaluated on the 19 Cityscapes classes minus
    the three SYNTHIA lacks (16 classes), or minus wall, fence and pole as
    well (13 classes, the number ASM reports). The model still predicts 19
    classes; only the averaging changes.

    Args:
        class_subsets: name -> class names, e.g.
            ``dict(mIoU16=[...], mIoU13=[...])``; each name becomes a metric
            key holding the mean IoU (in %) over those classes.
        per_class: also return each class's IoU (in %) as ``IoU.<class>``
            (mmseg only logs them as a table), e.g. for benchmarks.
        **kwargs: :class:`IoUMetric`'s arguments.
    """

    def __init__(self,
                 class_subsets: Dict[str, Sequence[str]],
                 per_class: bool = False,
                 **kwargs):
        super().__init__(**kwargs)
        self.per_class = per_class
        if not class_subsets:
            raise ValueError('ClassSubsetIoUMetric needs at least one subset')
        self.class_subsets = {k: tuple(v) for k, v in class_subsets.items()}

    def compute_metrics(self, results: list) -> Dict[str, float]:
        metrics = super().compute_metrics(results)
        if self.format_only:
            return metrics
        intersect = sum(r[0] for r in results).numpy()
        union = sum(r[1] for r in results).numpy()
        with np.errstate(invalid='ignore', divide='ignore'):
            iou = intersect / union
        classes = list(self.dataset_meta['classes'])
        for name, subset in self.class_subsets.items():
            missing = [c for c in subset if c not in classes]
            if missing:
                raise KeyError(f'class subset {name!r} names {missing}, '
                               f'which are not among the dataset classes '
                               f'{classes}')
            index = [classes.index(c) for c in subset]
            metrics[name] = float(np.round(np.nanmean(iou[index]) * 100, 2))
        if self.per_class:
            metrics.update({
                f'IoU.{c}': float(np.round(v * 100, 2))
                for c, v in zip(classes, iou)
            })
        return metrics

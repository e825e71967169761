from .class_subset_iou_metric import ClassSubsetIoUMetric
from .label_consistency import LabelConsistencyScore, predict_labels

__all__ = ['ClassSubsetIoUMetric', 'LabelConsistencyScore', 'predict_labels']

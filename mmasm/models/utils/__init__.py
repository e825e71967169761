from .classifier_features import capture_classifier_input, forward_with_features
from .segmentor_calls import (batch_norm_statistics_kept, preprocess, segmentation_logits,
                              segmentor_classes)

__all__ = [
    'batch_norm_statistics_kept', 'capture_classifier_input', 'forward_with_features',
    'preprocess', 'segmentation_logits', 'segmentor_classes'
]

from .block_masking import block_masks
from .class_mix import class_mix_mask, class_mix_masks, mix
from .classifier_features import (capture_classifier_input,
                                  forward_with_features)
from .image_normalization import ImageNormalization
from .pixel_weights import pixel_weighted_losses, segmentation_heads
from .segmentor_calls import (batch_norm_statistics_kept, preprocess,
                              segmentation_logits, segmentor_classes)
from .strong_augmentation import strong_augment

__all__ = [
    'ImageNormalization', 'batch_norm_statistics_kept', 'block_masks',
    'capture_classifier_input', 'class_mix_mask', 'class_mix_masks',
    'forward_with_features', 'mix', 'pixel_weighted_losses', 'preprocess',
    'segmentation_heads', 'segmentation_logits', 'segmentor_classes',
    'strong_augment'
]

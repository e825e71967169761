from .block_masking import block_masks
from .class_mix import class_mix_mask, class_mix_masks, mix
from .classifier_features import capture_classifier_input, forward_with_features
from .image_normalization import ImageNormalization
from .pixel_weights import pixel_weighted_losses, segmentation_heads
from .strong_augmentation import strong_augment

__all__ = [
    'ImageNormalization', 'block_masks', 'capture_classifier_input', 'class_mix_mask',
    'class_mix_masks', 'forward_with_features', 'mix', 'pixel_weighted_losses',
    'segmentation_heads', 'strong_augment'
]

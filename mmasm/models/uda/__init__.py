from .ash import ASH
from .dacs import DACS
from .ema_teacher import copy_weights, ema_alpha, teacher_mode, update_ema
from .feature_distance import (CITYSCAPES_THING_CLASSES,
                               ImageNetFeatureDistance, downscale_label_ratio)
from .pseudo_labels import PseudoLabels, pseudo_labels
from .uda_segmentor import UDASegmentor

__all__ = [
    'ASH', 'CITYSCAPES_THING_CLASSES', 'DACS', 'ImageNetFeatureDistance',
    'PseudoLabels', 'UDASegmentor', 'copy_weights', 'downscale_label_ratio',
    'ema_alpha', 'pseudo_labels', 'teacher_mode', 'update_ema'
]

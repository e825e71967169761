from .aspp_sum_head import ASPPSumClassifier, DeepLabV2Head
from .classifier_features import (capture_classifier_input,
                                  forward_with_features)

__all__ = ['ASPPSumClassifier', 'DeepLabV2Head', 'capture_classifier_input',
           'forward_with_features']

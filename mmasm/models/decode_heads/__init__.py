from .aspp_sum_head import ASPPSumClassifier, DeepLabV2Head
from .daformer_head import DAFormerHead

__all__ = ['ASPPSumClassifier', 'DAFormerHead', 'DeepLabV2Head']

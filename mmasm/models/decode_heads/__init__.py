from .aspp_sum_head import ASPPSumClassifier, DeepLabV2Head
from .daformer_head import DAFormerHead
from .hrda_attention_head import HRDAAttentionHead
from .hrda_head import DetailWindows, HRDAHead

__all__ = [
    'ASPPSumClassifier', 'DAFormerHead', 'DeepLabV2Head', 'DetailWindows',
    'HRDAAttentionHead', 'HRDAHead'
]

from .aspp_sum_head import ASPPSumClassifier, DeepLabV2Head

__all__ = ['ASPPSumClassifier', 'DeepLabV2Head']

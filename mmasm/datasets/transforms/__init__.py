from .gray_to_bgr import GrayToBGR
from .load_annotations import CheckedLoadAnnotations
from .lrm_translate import LRMTranslate
from .pack_content_style import PackContentStyleInputs
from .random_rain import RandomRAIN

__all__ = ['CheckedLoadAnnotations', 'GrayToBGR', 'LRMTranslate', 'PackContentStyleInputs', 'RandomRAIN']

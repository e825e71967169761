from .gray_to_bgr import GrayToBGR
from .load_annotations import CheckedLoadAnnotations
from .lrm_translate import LRMTranslate
from .pack_content_style import PackContentStyleInputs
from .pseudo_label_margins import PseudoLabelMargins
from .random_rain import RandomRAIN

__all__ = [
    'CheckedLoadAnnotations', 'GrayToBGR', 'LRMTranslate',
    'PackContentStyleInputs', 'PseudoLabelMargins', 'RandomRAIN'
]

from .load_annotations import CheckedLoadAnnotations
from .lrm_translate import LRMTranslate
from .pack_content_style import PackContentStyleInputs
from .random_rain import RandomRAIN

__all__ = ['CheckedLoadAnnotations', 'LRMTranslate', 'PackContentStyleInputs', 'RandomRAIN']

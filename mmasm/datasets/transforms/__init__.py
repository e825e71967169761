from .lrm_translate import LRMTranslate
from .pack_content_style import PackContentStyleInputs
from .random_rain import RandomRAIN

__all__ = ['LRMTranslate', 'PackContentStyleInputs', 'RandomRAIN']

from .pack_content_style import PackContentStyleInputs
from .random_rain import RandomRAIN

__all__ = ['PackContentStyleInputs', 'RandomRAIN']

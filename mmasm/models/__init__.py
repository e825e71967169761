from .asm import *  # noqa: F401,F403
from .decode_heads import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .rain import *  # noqa: F401,F403
from .rain_data_preprocessor import RAINDataPreprocessor  # noqa: F401
from .rain_pretrainer import RAINPretrainer  # noqa: F401
from .segmentors import *  # noqa: F401,F403

from .losses import *  # noqa: F401,F403
from .rain import *  # noqa: F401,F403

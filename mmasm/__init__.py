"""mmasm: one-shot unsupervised domain adaptation for mmsegmentation.

Importing this package registers all of mmasm's models, transforms,
datasets, hooks and runners into mmseg's registries.
"""
from . import apis, datasets, engine, evaluation, models  # noqa: F401
from .utils import register_config_packages
from .version import __version__

register_config_packages()  # mmseg:: (onedl) and mmasm:: config bases

__all__ = ['__version__']

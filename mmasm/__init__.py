"""mmasm: one-shot unsupervised domain adaptation for mmsegmentation.

Importing this package registers all of mmasm's models, transforms,
datasets, hooks and runners into mmseg's registries.
"""
from . import models  # noqa: F401
from .version import __version__

__all__ = ['__version__']

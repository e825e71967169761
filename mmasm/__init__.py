"""mmasm: one-shot unsupervised domain adaptation for mmsegmentation.

Importing this package registers mmasm's models, datasets, transforms,
hooks, runners and metrics in mmasm's registry nodes (``mmasm.registry``,
children of mmseg's) and does nothing else.
"""
from . import datasets, engine, evaluation, models  # noqa: F401
from .version import __version__

__all__ = ['__version__']

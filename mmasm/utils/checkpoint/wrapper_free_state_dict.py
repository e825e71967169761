"""State dicts of models whose children DDP wraps in place.

``MMSeparateDistributedDataParallel`` replaces each trained child
(``self.segmentor``, ...) by a DDP wrapper, so ``model.state_dict()`` names
``segmentor.module.backbone...`` under distributed training and
``segmentor.backbone...`` otherwise. mmengine loads checkpoints into the
unwrapped names, so a checkpoint saved by a distributed run would load
nothing (only a "do not match" warning): resume and ``tools/test.py``
silently used untrained weights.
"""
from typing import Dict, Optional

import torch.nn as nn
from mmengine.model import is_model_wrapper


def wrapper_prefixes(module: nn.Module, prefix: str) -> Dict[str, str]:
    """``{'<prefix><child>.module.': '<prefix><child>.'}`` for each child of
    ``module`` that is a model wrapper."""
    return {
        f'{prefix}{name}.module.': f'{prefix}{name}.'
        for name, child in module.named_children() if is_model_wrapper(child)
    }


def _renamed(key: str, renames: Dict[str, str]) -> str:
    """A state dict key without the wrapper names."""
    for wrapped, plain in renames.items():
        if key.startswith(wrapped):
            return plain + key[len(wrapped):]
    return key


def _renamed_metadata(key: str, renames: Dict[str, str]) -> Optional[str]:
    """A ``_metadata`` key (a module path) without the wrapper names; None
    for a wrapper's own entry (its module's entry takes the name)."""
    if key + '.' in renames.values():
        return None
    renamed = _renamed(key + '.', renames)
    return renamed[:-1]


def drop_wrapper_names(module: nn.Module, state_dict: dict, prefix: str,
                       local_metadata: dict) -> None:
    """A ``register_state_dict_post_hook`` hook: name the wrapped children's
    entries (and their ``_metadata``) as if they were not wrapped."""
    renames = wrapper_prefixes(module, prefix)
    if not renames:
        return
    items = list(state_dict.items())
    state_dict.clear()
    state_dict.update((_renamed(key, renames), value) for key, value in items)
    metadata = getattr(state_dict, '_metadata', None)
    if metadata is not None:
        entries = list(metadata.items())
        metadata.clear()
        metadata.update((_renamed_metadata(key, renames), value)
                        for key, value in entries
                        if _renamed_metadata(key, renames) is not None)

"""Small helpers on ``nn.Module``s shared by mmasm's models and hooks."""
from contextlib import contextmanager
from typing import Iterator, Union

import torch.nn as nn
from mmengine.model import is_model_wrapper
from mmengine.registry import Registry

from mmasm.registry import MODELS, SCOPE


def build_module(cfg: Union[dict, nn.Module],
                 registry: Registry = MODELS) -> nn.Module:
    """``cfg`` built from ``registry`` in mmasm's scope, or ``cfg`` itself if
    it is already a module.

    The scope is mmasm's unless ``cfg`` names another (``_scope_``), whatever
    default scope the process last set: a Runner of an mmseg config earlier in
    the same process must not hide mmasm's modules. mmseg's and mmengine's
    types are found too (mmasm's registries are children of theirs).
    """
    if isinstance(cfg, nn.Module):
        return cfg
    cfg = dict(cfg)
    cfg.setdefault('_scope_', SCOPE)
    return registry.build(cfg)


def unwrap_model(model: nn.Module) -> nn.Module:
    """The module inside a DDP / mmengine model wrapper (or ``model``)."""
    return model.module if is_model_wrapper(model) else model


@contextmanager
def frozen(module: nn.Module) -> Iterator[nn.Module]:
    """Within the block the parameters of ``module`` do not require grad,
    so a loss through it sends no gradient into them (only through them)."""
    flags = [p.requires_grad for p in module.parameters()]
    module.requires_grad_(False)
    try:
        yield module
    finally:
        for param, flag in zip(module.parameters(), flags):
            param.requires_grad_(flag)

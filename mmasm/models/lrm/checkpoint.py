"""Saving and loading trained LRM translators.

Two file kinds load, both with ``torch.load(weights_only=True)``:

- the plain state dict written by ``LRMExportHook`` /
  :func:`save_lrm_translator` (``encoder.conv_in.weight``, ...);
- an mmengine Runner checkpoint of ``LRMTrainer`` (``{'state_dict': ...}``),
  whose ``translator.`` keys are taken and the rest (discriminator, VGG,
  optimiser state) ignored.
"""
import os
from collections import OrderedDict
from typing import Dict, Union

import torch

from mmasm.utils.checkpoint import load_tensor_file
from mmasm.utils.state_dicts import (describe_mismatch, model_state_dict,
                                     state_dict_mismatch)
from .translator import LRMTranslator

#: The attribute under which ``LRMTrainer`` keeps its translator.
RUNNER_PREFIX = 'translator.'


def save_lrm_translator(translator: LRMTranslator,
                        path: Union[str, os.PathLike]) -> None:
    """Write ``translator.state_dict()`` as plain CPU tensors."""
    state = OrderedDict((k, v.detach().cpu().clone())
                        for k, v in translator.state_dict().items())
    torch.save(state, os.fspath(path))


def translator_state_dict(ckpt: object, path: str) -> Dict[str, torch.Tensor]:
    """The translator weights in a loaded checkpoint (see module doc)."""
    return model_state_dict(ckpt, path, 'an LRM translator', RUNNER_PREFIX)


def load_lrm_translator(path: Union[str, os.PathLike],
                        device: str = 'cpu',
                        **translator_kwargs) -> LRMTranslator:
    """An :class:`LRMTranslator` in eval mode, frozen, with the weights in
    ``path`` (see module doc); ``translator_kwargs`` are its constructor
    arguments (defaults: the authors' 32/64/32 network).

    Raises:
        FileNotFoundError: no such file.
        ValueError: not a readable weights-only checkpoint, or its keys or
            shapes do not match the translator (all mismatches listed).
    """
    path = os.fspath(path)
    state = translator_state_dict(load_tensor_file(path), path)
    translator = LRMTranslator(**translator_kwargs)
    missing, unexpected, shapes = state_dict_mismatch(translator.state_dict(),
                                                      state)
    if missing or unexpected or shapes:
        raise ValueError(
            describe_mismatch(path, 'LRM translator', missing, unexpected,
                              shapes))
    translator.load_state_dict(state)
    return translator.to(device).eval().requires_grad_(False)

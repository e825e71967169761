"""Saving and loading trained LRM translators.

Two file kinds load, both with ``torch.load(weights_only=True)``:

- the plain state dict written by ``WeightsExportHook`` after LRM training
  and by :func:`save_lrm_translator` (:func:`translator_export_state`:
  ``encoder.conv_in.weight``, ...);
- an mmengine Runner checkpoint of ``LRMTrainer`` (``{'state_dict': ...}``),
  whose ``translator.`` keys are taken and the rest (discriminator, VGG,
  optimiser state) ignored.
"""
import os
from typing import Dict, Union

import torch

from mmasm.utils.checkpoint import (cpu_state_dict, describe_mismatch,
                                    load_tensor_file, model_state_dict,
                                    save_atomically, state_dict_mismatch)
from .translator import LRMTranslator

#: The attribute under which ``LRMTrainer`` keeps its translator.
RUNNER_PREFIX = 'translator.'


def translator_export_state(
        translator: LRMTranslator) -> Dict[str, torch.Tensor]:
    """What LRM training exports: the translator's plain state dict (CPU
    tensors)."""
    return cpu_state_dict(translator)


def save_lrm_translator(translator: LRMTranslator,
                        path: Union[str, os.PathLike]) -> None:
    """Write ``translator.state_dict()`` as plain CPU tensors, atomically
    and with a SHA-256 sidecar, as ``WeightsExportHook`` writes it."""
    save_atomically(translator_export_state(translator), os.fspath(path))


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

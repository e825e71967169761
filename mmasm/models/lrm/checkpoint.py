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
from typing import Dict, Mapping, Union

import torch

from ..rain.checkpoint import load_tensor_file
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
    if isinstance(ckpt, Mapping) and isinstance(ckpt.get('state_dict'),
                                                Mapping):
        ckpt = ckpt['state_dict']
    if not isinstance(ckpt, Mapping) or not all(
            isinstance(k, str) and torch.is_tensor(v)
            for k, v in ckpt.items()):
        raise ValueError(f'{path} is not an LRM translator state dict: '
                         f'expected a mapping of parameter names to tensors')
    state = OrderedDict(ckpt)
    if state and all(k.startswith('module.') for k in state):
        state = OrderedDict((k[len('module.'):], v) for k, v in state.items())
    if any(k.startswith(RUNNER_PREFIX) for k in state):
        state = OrderedDict((k[len(RUNNER_PREFIX):], v)
                            for k, v in state.items()
                            if k.startswith(RUNNER_PREFIX))
    return state


def describe_mismatch(path: str, model: LRMTranslator,
                      state: Mapping[str, torch.Tensor]) -> str:
    """Missing, unexpected and mis-shaped keys of ``state`` for ``model``;
    empty when they match."""
    own = model.state_dict()
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    shapes = [f'{k}: model {tuple(v.shape)} vs file {tuple(state[k].shape)}'
              for k, v in own.items()
              if k in state and state[k].shape != v.shape]
    if not (missing or unexpected or shapes):
        return ''
    lines = [f'{path} does not match the LRM translator:']
    if shapes:
        lines += ['  shape mismatch:'] + [f'    {s}' for s in shapes]
    if missing:
        lines.append(f'  missing keys ({len(missing)}): {", ".join(missing)}')
    if unexpected:
        lines.append(f'  unexpected keys ({len(unexpected)}): '
                     f'{", ".join(unexpected)}')
    return '\n'.join(lines)


def load_lrm_translator(path: Union[str, os.PathLike], device: str = 'cpu',
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
    mismatch = describe_mismatch(path, translator, state)
    if mismatch:
        raise ValueError(mismatch)
    translator.load_state_dict(state)
    return translator.to(device).eval().requires_grad_(False)

"""Loading mmasm RAIN checkpoints (plain state dicts or mmengine Runner files).

Two file kinds are accepted, both read with ``torch.load(weights_only=True)``:

- a plain mmasm RAIN state dict (``encoder.conv1_1.weight``,
  ``decoder.conv4_1.weight``, ``style_vae.encoder.0.weight``, ...), as written
  by ``tools/convert_rain_weights.py``;
- an mmengine Runner checkpoint (``{'state_dict': ..., 'meta': ...}``) of a
  model that holds the generator under the attribute ``rain`` (RAIN
  pretraining), whose ``rain.`` keys are taken and everything else
  (``data_preprocessor.``, losses, ...) ignored.
"""
import logging
import os.path as osp
import pickle
import re
from typing import TYPE_CHECKING, Dict, Mapping

import torch
from mmengine.logging import print_log
from mmengine.runner.checkpoint import get_torch_safe_globals

from mmasm.utils.state_dicts import (describe_mismatch, model_state_dict,
                                     state_dict_mismatch)

if TYPE_CHECKING:
    from .rain import RAIN

#: The attribute under which a RAIN pretraining model keeps its generator.
RUNNER_PREFIX = 'rain.'
_VAE_WEIGHT = re.compile(r'style_vae\.encoder\.(\d+)\.weight$')
_UNPICKLER_REASON = re.compile(r'WeightsUnpickler error:\s*(.+)')
#: How torch's weights-only unpickler words a refused (not corrupt) object.
_REFUSED_OBJECT = re.compile(r'Unsupported global|unsupported class|'
                             r'unrecognized function')
_SEQUENTIAL_KEY = re.compile(r'(module\.)?\d+\.(weight|bias)$')

EXPORT_HINT = ('if you trust its origin, export it to a plain state dict '
               'with `python tools/convert_rain_weights.py export {file} '
               'OUT.pth --trusted` and load OUT.pth')


def load_tensor_file(filename: str, map_location='cpu') -> object:
    """``torch.load(filename, weights_only=True)`` with clear errors.

    mmengine Runner checkpoints keep numpy scalars and message-hub buffers
    in their metadata; those are unpickled with mmengine's own allow-list,
    still under ``weights_only=True``. Nothing falls back to full pickle.
    """
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint file not found: {filename}')
    try:
        try:
            return torch.load(filename, map_location=map_location,
                              weights_only=True)
        except pickle.UnpicklingError:
            with torch.serialization.safe_globals(get_torch_safe_globals()):
                return torch.load(filename, map_location=map_location,
                                  weights_only=True)
    except pickle.UnpicklingError as err:
        reason = _UNPICKLER_REASON.search(str(err))
        reason = reason[1] if reason else str(err).splitlines()[0]
        if not _REFUSED_OBJECT.search(reason):
            raise ValueError(f'{filename} is not a readable PyTorch '
                             f'checkpoint (corrupt?): {reason}') from err
        raise ValueError(
            f'{filename} holds objects other than tensors and mmengine '
            f'metadata, so it cannot be loaded with weights_only=True; '
            f'{EXPORT_HINT.format(file=filename)}. ({reason})') from err
    except Exception as err:  # zip, EOF and storage errors of torch.load
        raise ValueError(f'{filename} is not a readable PyTorch checkpoint '
                         f'(truncated or corrupt?): {err!r}') from err


def rain_state_dict(ckpt: object, filename: str) -> Dict[str, torch.Tensor]:
    """The mmasm RAIN state dict in a loaded checkpoint (see module doc)."""
    state = model_state_dict(ckpt, filename, 'a RAIN', RUNNER_PREFIX)
    if state and all(_SEQUENTIAL_KEY.match(k) for k in state):
        raise ValueError(
            f'{filename} looks like one of the authors\' published '
            f'nn.Sequential files (keys like "{next(iter(state))}"); convert '
            f'the four of them with tools/convert_rain_weights.py first')
    return state


def rain_state_dict_from_file(filename: str,
                              map_location='cpu') -> Dict[str, torch.Tensor]:
    """The mmasm RAIN state dict stored in ``filename`` (see module doc)."""
    return rain_state_dict(load_tensor_file(filename, map_location), filename)


def vae_depth_of(state: Mapping) -> int:
    """Number of Linear layers in the style VAE encoder of a state dict."""
    return sum(1 for k in state if _VAE_WEIGHT.match(k))


def load_rain_checkpoint(rain: 'RAIN', filename: str, map_location='cpu',
                         strict: bool = True) -> 'RAIN':
    """Load the RAIN weights in ``filename`` into ``rain`` and return it.

    Args:
        rain: the model to fill.
        filename: a plain mmasm RAIN state dict or an mmengine Runner
            checkpoint of RAIN pretraining.
        map_location: passed to ``torch.load``.
        strict: raise on missing or unexpected keys. With ``strict=False``
            they are logged (e.g. an encoder-only file converted from an
            ImageNet VGG-19). Shape mismatches always raise.
    """
    state = rain_state_dict_from_file(filename, map_location)
    missing, unexpected, shapes = state_dict_mismatch(rain.state_dict(), state)
    file_depth, model_depth = vae_depth_of(state), rain.style_vae.depth
    depth_hint = ''
    if file_depth and file_depth != model_depth:
        depth_hint = (f'the file has a depth-{file_depth} style VAE, the '
                      f'model depth {model_depth}: build '
                      f'RAIN(vae_depth={file_depth})')
    if shapes or (strict and (missing or unexpected)):
        raise ValueError(describe_mismatch(filename, 'RAIN model', missing,
                                           unexpected, shapes, depth_hint))
    if missing or unexpected:
        print_log(describe_mismatch(filename, 'RAIN model', missing,
                                    unexpected, [], depth_hint), logger='current',
                  level=logging.WARNING)
    rain.load_state_dict(state, strict=False)
    return rain

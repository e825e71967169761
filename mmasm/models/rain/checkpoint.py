"""Loading mmasm RAIN checkpoints (plain state dicts or mmengine Runner files).

Two file kinds are accepted, both read with ``torch.load(weights_only=True)``:

- a plain mmasm RAIN state dict (``encoder.conv1_1.weight``,
  ``decoder.conv4_1.weight``, ``style_vae.encoder.0.weight``, ...), as written
  by ``tools/convert_rain_weights.py`` and by ``WeightsExportHook`` after
  RAIN pretraining (:func:`rain_export_state`);
- an mmengine Runner checkpoint (``{'state_dict': ..., 'meta': ...}``) of a
  model that holds the generator under the attribute ``rain`` (RAIN
  pretraining), whose ``rain.`` keys are taken and everything else
  (``data_preprocessor.``, losses, ...) ignored.
"""
import logging
import re
from typing import Dict, Mapping

import torch
import torch.nn as nn
from mmengine.logging import print_log

from mmasm.utils.checkpoint import (cpu_state_dict, describe_mismatch,
                                    load_tensor_file, model_state_dict,
                                    state_dict_mismatch)

#: The attribute under which a RAIN pretraining model keeps its generator.
RUNNER_PREFIX = 'rain.'
_VAE_WEIGHT = re.compile(r'style_vae\.encoder\.(\d+)\.weight$')
_ENCODER_CONV = re.compile(r'encoder\.(conv\d+_\d+)\.weight$')
_SEQUENTIAL_KEY = re.compile(r'(module\.)?\d+\.(weight|bias)$')


def rain_export_state(rain: nn.Module) -> Dict[str, torch.Tensor]:
    """What RAIN pretraining exports: the generator's plain state dict (CPU
    tensors), the file kind :func:`load_rain_checkpoint` reads first."""
    return cpu_state_dict(rain)


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


def encoder_tap_of(state: Mapping) -> str:
    """The last encoder convolution of a state dict (``'conv4_1'``: the
    relu4_1 tap of mmasm's RAIN), ``''`` without encoder weights."""
    convs = [m.group(1) for m in map(_ENCODER_CONV.match, state) if m]
    return max(
        convs, key=lambda n: tuple(map(int, n[4:].split('_'))), default='')


def depth_hints(rain: nn.Module, state: Mapping) -> str:
    """Why a file may not fit ``rain``: a style VAE or encoder of another
    depth than the model's (empty if neither differs)."""
    hints = []
    file_depth, model_depth = vae_depth_of(state), rain.style_vae.depth
    if file_depth and file_depth != model_depth:
        hints.append(f'the file has a depth-{file_depth} style VAE, the '
                     f'model depth {model_depth}: build '
                     f'RAIN(vae_depth={file_depth})')
    file_tap, model_tap = encoder_tap_of(state), encoder_tap_of(
        rain.state_dict())
    if file_tap and file_tap != model_tap:
        hints.append(
            f'the file\'s encoder ends at {file_tap} (tap relu{file_tap[4:]}), '
            f'the model taps relu{model_tap[4:]} ({model_tap}): its decoder and '
            f'style VAE expect relu{model_tap[4:]} features: build '
            f'RAIN(encoder_tap=\'relu{file_tap[4:]}\') for this file, or '
            f'pretrain a RAIN with the model\'s tap (tools/train.py on a '
            f'configs/rain config)')
    return '; '.join(hints)


def load_rain_checkpoint(rain: nn.Module,
                         filename: str,
                         map_location='cpu',
                         strict: bool = True) -> nn.Module:
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
    depth_hint = depth_hints(rain, state)
    if shapes or (strict and (missing or unexpected)):
        raise ValueError(
            describe_mismatch(filename, 'RAIN model', missing, unexpected,
                              shapes, depth_hint))
    if missing or unexpected:
        print_log(
            describe_mismatch(filename, 'RAIN model', missing, unexpected, [],
                              depth_hint),
            logger='current',
            level=logging.WARNING)
    rain.load_state_dict(state, strict=False)
    return rain

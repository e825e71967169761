"""Taking a model's weights out of a loaded checkpoint, and saying clearly
why they do not fit (shared by the RAIN, LRM and VGG loaders)."""
from collections import OrderedDict
from typing import Dict, List, Mapping, Tuple

import torch
import torch.nn as nn


def cpu_state_dict(module: nn.Module) -> Dict[str, torch.Tensor]:
    """``module.state_dict()`` as detached CPU copies (a file of them loads
    with ``torch.load(weights_only=True)`` on any device)."""
    return OrderedDict(
        (k, v.detach().cpu().clone()) for k, v in module.state_dict().items())


def strip_prefix(state: Mapping, prefix: str) -> Dict:
    """``state`` without ``prefix`` when every key has it (e.g. ``module.``)."""
    if state and all(k.startswith(prefix) for k in state):
        return OrderedDict((k[len(prefix):], v) for k, v in state.items())
    return OrderedDict(state)


def model_state_dict(ckpt: object, filename: str, what: str,
                     runner_prefix: str) -> Dict[str, torch.Tensor]:
    """The weights in a loaded checkpoint: a plain state dict, or an
    mmengine Runner checkpoint (``{'state_dict': ...}``) whose keys under
    ``runner_prefix`` (the attribute holding the model) are taken, the rest
    ignored. A DDP ``module.`` prefix is dropped. ``what`` names the model
    in the error, e.g. ``'a RAIN'``."""
    if isinstance(ckpt, Mapping) and isinstance(
            ckpt.get('state_dict'), Mapping):
        ckpt = ckpt['state_dict']
    if not isinstance(ckpt, Mapping) or not all(
            isinstance(k, str) and torch.is_tensor(v)
            for k, v in ckpt.items()):
        raise ValueError(f'{filename} is not {what} state dict: expected a '
                         f'mapping of parameter names to tensors')
    state = strip_prefix(ckpt, 'module.')
    if any(k.startswith(runner_prefix) for k in state):
        state = OrderedDict((k[len(runner_prefix):], v)
                            for k, v in state.items()
                            if k.startswith(runner_prefix))
    return state


def state_dict_mismatch(
        own: Mapping,
        state: Mapping) -> Tuple[List[str], List[str], List[str]]:
    """``(missing, unexpected, shapes)`` of ``state`` for a model whose
    state dict is ``own``; ``shapes`` as ``'key: model vs file'`` lines."""
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    shapes = [
        f'{k}: {tuple(own[k].shape)} vs {tuple(v.shape)}'
        for k, v in state.items() if k in own and v.shape != own[k].shape
    ]
    return missing, unexpected, shapes


def describe_mismatch(filename: str,
                      model_name: str,
                      missing: List[str],
                      unexpected: List[str],
                      shapes: List[str],
                      hint: str = '') -> str:
    """A multi-line error: which keys are missing, unexpected or mis-shaped."""
    lines = [f'{filename} does not match the {model_name}:']
    if shapes:
        lines.append(
            '  shape mismatch (key: expected by model vs found in file):')
        lines += [f'    {s}' for s in shapes]
    if missing:
        lines.append(f'  missing keys ({len(missing)}): {", ".join(missing)}')
    if unexpected:
        lines.append(
            f'  unexpected keys ({len(unexpected)}): {", ".join(unexpected)}')
    if hint:
        lines.append(f'  hint: {hint}')
    return '\n'.join(lines)

"""Reading checkpoint files safely: ``torch.load(weights_only=True)`` only,
with errors that say what was refused and why."""
import os.path as osp
import pickle
import re

import torch
from mmengine.runner.checkpoint import get_torch_safe_globals

_UNPICKLER_REASON = re.compile(r'WeightsUnpickler error:\s*(.+)')
#: How torch's weights-only unpickler words a refused (not corrupt) object.
_REFUSED_OBJECT = re.compile(r'Unsupported global|unsupported class|'
                             r'unrecognized function')

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

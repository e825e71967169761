"""Reading checkpoint files safely: ``torch.load(weights_only=True)`` only,
with errors that say what was refused and how to opt in.

A ``.pth`` file is a pickle: loading it with ``weights_only=False`` runs
whatever functions it names (``os.system``, ...). mmasm loads tensors and
mmengine's own metadata types (``get_torch_safe_globals``) only, unless the
file was explicitly trusted with :func:`trust_checkpoints` (mmasm's tools do
that for the config key ``trusted_checkpoints``).
"""
import io
import logging
import os
import os.path as osp
import pickle
import re
from typing import Iterable, Optional, Union

import torch
from mmengine.logging import print_log
from mmengine.runner.checkpoint import get_torch_safe_globals

from .atomic_files import checksum_problem

#: How torch's weights-only unpickler names a refused (not corrupt) object,
#: e.g. "Unsupported global: GLOBAL x.Y was not an allowed global" (torch
#: 2.6) or "unsupported GLOBAL posix.system whose module posix is blocked"
#: (torch 2.14).
_REFUSED_GLOBAL = re.compile(r'GLOBAL\s+([\w.]+)', re.IGNORECASE)
_REFUSED_OBJECT = re.compile(
    r'unsupported (global|class)|unrecognized function|'
    r'is blocked|not an allowed global', re.IGNORECASE)

OPT_IN_HINT = (
    'If you trust the file, opt in to full unpickling: in a config, '
    '`trusted_checkpoints = [{file!r}]` (or `--cfg-options '
    'trusted_checkpoints=True` on tools/train.py / tools/test.py); '
    '`tools/convert_rain_weights.py export {file} OUT.pth --trusted` writes a '
    'plain state dict; in Python, `mmasm.utils.trust_checkpoints([{file!r}])`')

_trusted = dict(all=False, files=set())


def trust_checkpoints(files: Union[bool, str, Iterable[str]]) -> None:
    """Let :func:`load_tensor_file` fully unpickle these files (``True``:
    every file) instead of refusing pickled objects. Only for files of known
    origin: unpickling can run arbitrary code. ``False`` / ``()`` trusts
    nothing more; trust is never withdrawn within a process."""
    if isinstance(files, bool):
        _trusted['all'] = _trusted['all'] or files
        return
    files = [files] if isinstance(files, (str, os.PathLike)) else list(files)
    if not all(isinstance(f, (str, os.PathLike)) for f in files):
        raise TypeError(f'trusted_checkpoints must be True/False or a list of '
                        f'checkpoint paths, got {files!r}')
    _trusted['files'].update(_trust_key(os.fspath(f)) for f in files)


def _trust_key(name: str) -> str:
    """How a trusted name is compared: URLs (``https://``, ``s3://``,
    ``open-mmlab://`` ...) as written, local paths resolved."""
    return name if '://' in name else osp.realpath(osp.expanduser(name))


def is_trusted(filename: str) -> bool:
    """Whether :func:`trust_checkpoints` opted ``filename`` (a path or the
    URL it was fetched from) in."""
    return _trusted['all'] or _trust_key(
        os.fspath(filename)) in _trusted['files']


def load_tensor_file(filename: str,
                     map_location='cpu',
                     name: Optional[str] = None) -> object:
    """``torch.load(filename, weights_only=True)`` with clear errors.

    mmengine Runner checkpoints keep numpy scalars and message-hub buffers
    in their metadata; those are unpickled with mmengine's own allow-list,
    still under ``weights_only=True``. Nothing falls back to full pickle
    unless the file is trusted (:func:`trust_checkpoints`). A file with a
    ``.sha256`` sidecar (mmasm's checkpoints have one) must match it.
    ``name``: what the user asked for when ``filename`` is a local copy
    (the URL it was downloaded from); trust and messages use it.

    Raises:
        FileNotFoundError: no such file.
        ValueError: the file holds other pickled objects (naming the refused
            one and the opt-in), is truncated / not a checkpoint, or does not
            match its checksum.
    """
    filename = os.fspath(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint file not found: {filename}')
    problem = checksum_problem(filename)
    if problem is not None:
        raise ValueError(f'{filename} is corrupt: {problem}')
    return _load(filename, name or filename, map_location)


def load_tensor_bytes(data: bytes, name: str, map_location='cpu') -> object:
    """:func:`load_tensor_file` for a checkpoint read into memory (e.g. from
    an object store); ``name`` is its URL (trust and messages)."""
    with io.BytesIO(data) as buffer:
        return _load(buffer, name, map_location)


def _load(source, name: str, map_location) -> object:
    """``torch.load`` of ``source`` (a path or a buffer) under the trust
    rule for ``name``."""
    if is_trusted(name):
        print_log(
            f'{name}: trusted checkpoint, unpickled fully '
            f'(weights_only=False)',
            logger='current',
            level=logging.WARNING)
        return torch.load(
            source, map_location=map_location, weights_only=False)
    try:
        with torch.serialization.safe_globals(get_torch_safe_globals()):
            return torch.load(
                source, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        raise refusal_error(name, err) from err
    except Exception as err:  # zip, EOF and storage errors of torch.load
        raise ValueError(f'{name} is not a readable PyTorch checkpoint '
                         f'(truncated or corrupt?): {err!r}') from err


def refusal_error(filename: str, err: Exception) -> ValueError:
    """The error for a file that the weights-only unpickler refused: what
    was refused and how to opt in, or "corrupt" if nothing was refused."""
    message = str(err)
    if not _REFUSED_OBJECT.search(message):
        lines = [line for line in message.splitlines() if line.strip()]
        return ValueError(f'{filename} is not a readable PyTorch checkpoint '
                          f'(corrupt?): {lines[-1] if lines else err!r}')
    refused = _REFUSED_GLOBAL.search(message)
    what = refused[1] if refused else 'an object torch does not allow'
    return ValueError(
        f'{filename} holds objects other than tensors and mmengine metadata: '
        f'refused to unpickle {what}, which could run code on loading. '
        f'{OPT_IN_HINT.format(file=filename)}.')

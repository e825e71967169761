"""Checkpoint files that survive a crash and show damage: atomic writes,
completeness, SHA-256 sidecars, and the newest intact checkpoint of a work
dir (what ``--resume`` picks).

A checkpoint ``iter_N.pth`` written by mmasm's ``AtomicCheckpointHook`` has
a sidecar ``iter_N.pth.sha256`` (``sha256sum`` format, so ``sha256sum -c``
checks it too). Every load through mmasm's loaders verifies it: hashlib's
SHA-256 streams at roughly 1-2 GB/s on one core, so a 500 MB checkpoint
costs a few tenths of a second on top of ``torch.load``. Files without a
sidecar (other tools' checkpoints) load unverified.
"""
import hashlib
import logging
import os
import os.path as osp
import re
import zipfile
from typing import List, Optional

import torch
from mmengine.logging import print_log

#: Files that mmengine's ``CheckpointHook`` writes with its default
#: ``filename_tmpl`` (``iter_{}.pth`` / ``epoch_{}.pth``).
_CHECKPOINT_NAME = re.compile(r'^(iter|epoch)_(\d+)\.pth$')
#: Prefix / suffix of the temporary files that :func:`staging_name` names.
STAGING_PREFIX, STAGING_SUFFIX = '.', '.tmp'
#: Suffix of a checkpoint's checksum file.
CHECKSUM_SUFFIX = '.sha256'
_CHUNK = 1 << 20


def staging_name(filename: str) -> str:
    """The temporary name under which ``filename`` is written before it is
    renamed into place (same folder, hidden, never matching ``*.pth``)."""
    return f'{STAGING_PREFIX}{filename}{STAGING_SUFFIX}'


def fsync_file(path: str) -> None:
    """Flush ``path``'s data to disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def publish(staged: str, path: str) -> None:
    """Move the complete file ``staged`` to ``path`` in one step: a reader
    (or a crash) sees the old ``path`` or the new one, never a part."""
    fsync_file(staged)
    os.replace(staged, path)


def write_text_atomically(path: str, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file beside it."""
    staged = osp.join(osp.dirname(path), staging_name(osp.basename(path)))
    with open(staged, 'w') as file:
        file.write(text)
    publish(staged, path)


def save_atomically(obj: object, path: str) -> None:
    """``torch.save(obj, path)`` through a staged file beside ``path``, with
    a SHA-256 sidecar written before the file is renamed into place: a crash
    or a failed save leaves the old ``path`` (or none), never a part, and a
    later change of its bytes fails every load through mmasm's loaders."""
    staged = osp.join(osp.dirname(path), staging_name(osp.basename(path)))
    try:
        torch.save(obj, staged)
        write_checksum(staged, written_as=path)
    except BaseException:
        if osp.exists(staged):
            os.remove(staged)
        raise
    publish(staged, path)


def is_complete_checkpoint(path: str) -> bool:
    """Whether ``path`` is a whole ``torch.save`` file: its zip index, which
    ``torch.save`` writes last, is there and lists the pickle."""
    try:
        with zipfile.ZipFile(path) as archive:
            return any(
                name.endswith('data.pkl') for name in archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


def sha256_of(path: str) -> str:
    """The SHA-256 hex digest of ``path``, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, 'rb') as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def checksum_path(path: str) -> str:
    """The sidecar that holds ``path``'s SHA-256."""
    return path + CHECKSUM_SUFFIX


def write_checksum(path: str, written_as: str = None) -> None:
    """Write ``written_as``'s sidecar (default ``path``'s) holding the
    SHA-256 of ``path``, atomically (``path`` may be the staged copy of
    ``written_as``)."""
    written_as = written_as or path
    text = f'{sha256_of(path)}  {osp.basename(written_as)}\n'
    write_text_atomically(checksum_path(written_as), text)


def checksum_problem(path: str) -> Optional[str]:
    """Why ``path`` does not match its ``.sha256`` sidecar, or None (it
    matches, or there is no sidecar)."""
    sidecar = checksum_path(path)
    if not osp.isfile(sidecar):
        return None
    with open(sidecar) as file:
        expected = (file.read().split() or [''])[0].lower()
    actual = sha256_of(path)
    if actual == expected:
        return None
    return (
        f'its SHA-256 {actual[:16]}... differs from the {expected[:16]}... '
        f'recorded in {sidecar} when it was saved (bytes changed on disk '
        f'or in a copy)')


def is_intact_checkpoint(path: str) -> bool:
    """Whether ``path`` is complete and matches its checksum (if any)."""
    return is_complete_checkpoint(path) and checksum_problem(path) is None


def checkpoints_newest_first(work_dir: str) -> List[str]:
    """``iter_*.pth`` / ``epoch_*.pth`` files in ``work_dir``, highest step
    first."""
    steps = [(int(match[2]), name) for name in os.listdir(work_dir)
             if (match := _CHECKPOINT_NAME.match(name))]
    return [
        osp.join(work_dir, name) for _, name in sorted(steps, reverse=True)
    ]


def latest_complete_checkpoint(work_dir: str) -> Optional[str]:
    """The checkpoint a resumed run should start from: the file that
    ``work_dir/last_checkpoint`` names if it is intact (complete, and
    matching its checksum), otherwise (with a warning) the newest intact
    ``iter_*.pth`` / ``epoch_*.pth``; None if there is none."""
    if not osp.isdir(work_dir):
        return None
    pointer = osp.join(work_dir, 'last_checkpoint')
    named = open(pointer).read().strip() if osp.isfile(pointer) else None
    if named and is_intact_checkpoint(named):
        return named
    fallback = next(
        filter(is_intact_checkpoint, checkpoints_newest_first(work_dir)), None)
    if named or fallback:
        problem = (f'last_checkpoint names {named}, which is {_damage(named)}'
                   if named else 'no last_checkpoint file')
        start = fallback or f'scratch (no intact checkpoint in {work_dir})'
        print_log(
            f'{problem}; resuming from {start}',
            logger='current',
            level=logging.WARNING)
    return fallback


def _damage(path: str) -> str:
    """What is wrong with a checkpoint that is not intact."""
    if not is_complete_checkpoint(path):
        return 'missing or incomplete'
    return f'corrupt ({checksum_problem(path)})'

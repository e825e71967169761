"""Checkpoint files that survive a crash: atomic writes, completeness, and
the newest complete checkpoint of a work dir (what ``--resume`` picks)."""
import logging
import os
import os.path as osp
import re
import zipfile
from typing import List, Optional

from mmengine.logging import print_log

#: Files that mmengine's ``CheckpointHook`` writes with its default
#: ``filename_tmpl`` (``iter_{}.pth`` / ``epoch_{}.pth``).
_CHECKPOINT_NAME = re.compile(r'^(iter|epoch)_(\d+)\.pth$')
#: Prefix / suffix of the temporary files that :func:`staging_name` names.
STAGING_PREFIX, STAGING_SUFFIX = '.', '.tmp'


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


def is_complete_checkpoint(path: str) -> bool:
    """Whether ``path`` is a whole ``torch.save`` file: its zip index, which
    ``torch.save`` writes last, is there and lists the pickle."""
    try:
        with zipfile.ZipFile(path) as archive:
            return any(
                name.endswith('data.pkl') for name in archive.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


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
    ``work_dir/last_checkpoint`` names if it is complete, otherwise (with a
    warning) the newest complete ``iter_*.pth`` / ``epoch_*.pth``; None if
    there is none."""
    if not osp.isdir(work_dir):
        return None
    pointer = osp.join(work_dir, 'last_checkpoint')
    named = open(pointer).read().strip() if osp.isfile(pointer) else None
    if named and is_complete_checkpoint(named):
        return named
    fallback = next(
        filter(is_complete_checkpoint, checkpoints_newest_first(work_dir)),
        None)
    if named or fallback:
        problem = (
            f'last_checkpoint names {named}, which is missing or incomplete'
            if named else 'no last_checkpoint file')
        print_log(
            f'{problem}; resuming from '
            f'{fallback or "scratch (no complete checkpoint in " + work_dir + ")"}',
            logger='current',
            level=logging.WARNING)
    return fallback

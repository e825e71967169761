"""Staging folders of interrupted demo generations: removed on SIGTERM, and
stale ones (their process is gone, e.g. after SIGKILL) on the next run.

A staging folder is named ``.<out>.tmp-<pid>-<random>`` (the replaced
output waits in ``.<out>.old-<pid>-<random>``) beside the output folder, so a
later run can tell whether its writer still runs.
"""
import glob
import os
import os.path as osp
import shutil
import signal
import threading
from contextlib import contextmanager
from typing import Iterator, List

#: Kinds of temporary folder kept beside an output folder.
KINDS = ('tmp', 'old')


def staging_prefix(out_dir: str, kind: str = 'tmp') -> str:
    """``tempfile.mkdtemp`` prefix of this process's ``kind`` folders."""
    return f'.{osp.basename(out_dir)}.{kind}-{os.getpid()}-'


def _writer_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def stale_staging_folders(out_dir: str) -> List[str]:
    """Temporary folders beside ``out_dir`` whose process no longer runs
    (or that carry no process id: left by older versions)."""
    stale = []
    for kind in KINDS:
        pattern = osp.join(
            glob.escape(osp.dirname(out_dir)),
            f'.{glob.escape(osp.basename(out_dir))}.{kind}-*')
        for path in glob.glob(pattern):
            pid = osp.basename(path).rsplit(f'.{kind}-', 1)[1].split('-')[0]
            if not (pid.isdigit() and _writer_alive(int(pid))):
                stale.append(path)
    return sorted(stale)


def remove_stale_staging(out_dir: str) -> List[str]:
    """Remove :func:`stale_staging_folders`; return them."""
    stale = stale_staging_folders(out_dir)
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)
    return stale


class Terminated(SystemExit):
    """Raised in the main thread when SIGTERM arrives (exit status 143)."""


@contextmanager
def sigterm_raises() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`Terminated` (so ``finally``
    and ``except BaseException`` blocks clean up) instead of ending the
    process on the spot; the previous handler is restored afterwards. Only
    in the main thread (where Python runs signal handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise Terminated(128 + signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)

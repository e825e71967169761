"""One training run per work dir: an OS file lock held for the run's life.

Two runs started on one ``--work-dir`` would both train and overwrite each
other's checkpoints, ``last_checkpoint`` and logs, and both exit 0.
:func:`lock_work_dir` takes an exclusive ``fcntl.flock`` on
``<work_dir>/.mmasm_train.lock`` and keeps it until the process exits. The
OS drops the lock when the process dies however it dies (also SIGKILL or
a node reboot), so a crashed run leaves a lock file but never a held lock:
nothing to clean up by hand, no stale-lock timeout.

Distributed: only global rank 0 (``RANK`` / ``SLURM_PROCID`` /
``OMPI_COMM_WORLD_RANK``) takes it, so a second launch on the same work
dir fails in its rank 0 and torchrun stops its other ranks.

Network file systems: on Linux, ``flock`` on NFS is carried out as an
NFS byte-range lock (NFSv4, or NFSv3 with ``lockd``), which other clients
see; mounts with ``nolock`` / ``local_lock=all`` keep locks on one client
only, and some FUSE / object-store mounts ignore them: two runs on two
machines may then both get the lock. A lock held by a client that loses
its network is released when its NFS lease expires (typically 90 s).
"""
import datetime
import os
import os.path as osp
import socket

#: The lock file's name inside the work dir.
LOCK_FILE = '.mmasm_train.lock'
_RANK_VARIABLES = ('RANK', 'SLURM_PROCID', 'OMPI_COMM_WORLD_RANK', 'PMI_RANK')
_held = {}


class WorkDirInUseError(RuntimeError):
    """Another live run holds the work dir."""


def launch_rank() -> int:
    """This process's global rank as the launcher set it (0 if none)."""
    for variable in _RANK_VARIABLES:
        if os.environ.get(variable, '').isdigit():
            return int(os.environ[variable])
    return 0


def lock_work_dir(work_dir: str) -> None:
    """Hold ``work_dir``'s training lock until this process exits (rank 0
    only; again for the same dir: nothing).

    Raises:
        WorkDirInUseError: a live process holds it; the message names that
            process (pid, host, start time) and the lock file.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no flock
        return
    path = osp.realpath(osp.join(work_dir, LOCK_FILE))
    if launch_rank() != 0 or path in _held:
        return
    os.makedirs(osp.dirname(path), exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        holder = os.pread(descriptor, 512, 0).decode(errors='replace').strip()
        os.close(descriptor)
        raise WorkDirInUseError(
            f'work dir {work_dir} is in use by another training run '
            f'({holder or "unknown process"}; lock file {path}). Two runs on '
            f'one work dir overwrite each other\'s checkpoints: wait for that '
            f'run to end, stop it, or pass another --work-dir.') from None
    started = datetime.datetime.now().isoformat(timespec='seconds')
    os.ftruncate(descriptor, 0)
    os.pwrite(
        descriptor, f'pid {os.getpid()} on {socket.gethostname()}, '
        f'started {started}\n'.encode(), 0)
    _held[path] = descriptor  # kept open: the lock lives as long as we do


def unlock_work_dir(work_dir: str) -> None:
    """Release the lock :func:`lock_work_dir` took (tests; a tool keeps it
    until exit)."""
    descriptor = _held.pop(osp.realpath(osp.join(work_dir, LOCK_FILE)), None)
    if descriptor is not None:
        os.close(descriptor)

"""tools/train.py guards a run's checkpoints: a work dir that a live run
holds is refused (and free again once that run is dead; the lock is
``lock_work_dir``, which tools/train.py takes first), a NaN loss stops
the run naming the iteration and loss terms before a NaN checkpoint is
written (the good ones are kept), every checkpoint has a SHA-256 sidecar,
and a checkpoint with flipped bytes is refused by the loaders while
``--resume`` falls back to the newest intact one."""
import hashlib
import re
import struct
import subprocess
import sys
import zipfile

import pytest
import torch
from mmengine.runner.checkpoint import CheckpointLoader, get_torch_safe_globals
from utils import DATA_DIR, REPO_ROOT, tool_env, write_tiny_segformer_config

from mmasm.utils import load_tensor_file, use_safe_checkpoint_loader
from mmasm.utils.checkpoint import (WorkDirInUseError,
                                    latest_complete_checkpoint, lock_work_dir,
                                    unlock_work_dir)
from tools import train as tool_train

#: A process that holds a work dir's lock: mmasm's ``work_dir_lock``
#: module, loaded from its file (standard library only: no torch import).
HOLD_LOCK = ('import importlib.util, sys, time\n'
             'spec = importlib.util.spec_from_file_location(\n'
             '    "lock", sys.argv[2])\n'
             'lock = importlib.util.module_from_spec(spec)\n'
             'spec.loader.exec_module(lock)\n'
             'lock.lock_work_dir(sys.argv[1])\n'
             'print("locked", flush=True)\n'
             'time.sleep(600)\n')
LOCK_MODULE = REPO_ROOT / 'mmasm' / 'utils' / 'checkpoint' / 'work_dir_lock.py'


def hold_lock(work_dir):
    """A process holding ``work_dir``'s lock (returns once it holds it)."""
    holder = subprocess.Popen(
        [sys.executable, '-c', HOLD_LOCK,
         str(work_dir),
         str(LOCK_MODULE)],
        stdout=subprocess.PIPE,
        text=True,
        env=tool_env())
    for line in holder.stdout:  # after import-time chatter
        if line.strip() == 'locked':
            return holder
    raise AssertionError(f'the lock holder exited with {holder.wait()}')


def flip_bytes(path, count=8):
    """Invert ``count`` bytes in the middle of the largest stored tensor
    (the zip's entries stay readable: torch.load does not notice)."""
    with zipfile.ZipFile(path) as archive:
        info = max((i for i in archive.infolist() if '/data/' in i.filename),
                   key=lambda i: i.file_size)
    data = bytearray(path.read_bytes())
    name_len, extra_len = struct.unpack(
        '<HH', data[info.header_offset + 26:info.header_offset + 30])
    start = (
        info.header_offset + 30 + name_len + extra_len + info.file_size // 2)
    data[start:start + count] = bytes(b ^ 0xFF
                                      for b in data[start:start + count])
    path.write_bytes(bytes(data))


def test_lock_refuses_a_live_run_and_frees_with_its_death(tmp_path):
    work_dir = tmp_path / 'work'
    holder = hold_lock(work_dir)
    try:
        with pytest.raises(
                WorkDirInUseError,
                match=rf'work dir {work_dir} is in use '
                rf'.*pid {holder.pid}.*--work-dir'):
            lock_work_dir(str(work_dir))
    finally:
        holder.kill()  # dies without releasing anything itself
        holder.wait()
    lock_work_dir(str(work_dir))  # the dead run's lock file does not block
    unlock_work_dir(str(work_dir))


def test_nan_stops_the_run_and_checkpoints_are_checked(tmp_path,
                                                       cityscapes_root,
                                                       monkeypatch):
    work_dir = tmp_path / 'work'
    extra = (
        'train_cfg = dict(max_iters=4, val_interval=1000)\n'
        'custom_imports = dict(imports=["mmasm", "zero_std_hook"])\n'
        'custom_hooks = [dict(type="ZeroStdHook", at=3)]\n'
        'default_hooks = dict(checkpoint=dict(interval=1, max_keep_ckpts=2))\n'
    )
    config = write_tiny_segformer_config(tmp_path / 'cfg.py', cityscapes_root,
                                         extra)
    # the train tool's main in this process (tests/data: the test hook)
    monkeypatch.syspath_prepend(str(DATA_DIR))
    monkeypatch.setattr(
        sys, 'argv',
        ['train.py', str(config), '--work-dir',
         str(work_dir)])
    with pytest.raises(FloatingPointError) as error:
        tool_train.main()
    stopped = re.search(r'iteration 3: non-finite loss terms \(([^)]*)\)',
                        str(error.value))
    assert stopped, str(error.value)
    assert sorted(stopped[1].split(', ')) == ['decode.loss_ce=nan', 'loss=nan']
    assert sorted(p.name for p in work_dir.glob('iter_*')) == [
        'iter_1.pth', 'iter_1.pth.sha256', 'iter_2.pth', 'iter_2.pth.sha256'
    ]
    for step in (1, 2):
        path = work_dir / f'iter_{step}.pth'
        sidecar = (work_dir / f'iter_{step}.pth.sha256').read_text().split()
        assert sidecar == [
            hashlib.sha256(path.read_bytes()).hexdigest(), path.name
        ]
        state = load_tensor_file(str(path))['state_dict']
        assert all(v.isfinite().all() for v in state.values()
                   if v.is_floating_point())

    newest = work_dir / 'iter_2.pth'
    flip_bytes(newest)
    with torch.serialization.safe_globals(get_torch_safe_globals()):
        torch.load(newest, weights_only=True)  # unnoticed without the checksum
    with pytest.raises(
            ValueError, match=r'iter_2.pth is corrupt: its SHA-256'):
        load_tensor_file(str(newest))
    use_safe_checkpoint_loader()  # what tools/test.py and load_from use
    with pytest.raises(ValueError, match=r'iter_2.pth is corrupt'):
        CheckpointLoader.load_checkpoint(str(newest))
    assert latest_complete_checkpoint(str(work_dir)) == str(work_dir /
                                                            'iter_1.pth')

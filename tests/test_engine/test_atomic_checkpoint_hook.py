"""A run killed (SIGKILL) while it saves a checkpoint, with
``max_keep_ckpts=1``, keeps its previous checkpoint; ``--resume`` picks the
newest complete checkpoint and reaches the uninterrupted run's weights."""
import os
import signal
import sys
import time

import torch
from utils import (REPO_ROOT, start_tool, train_in_sequence,
                   write_tiny_segformer_config)

from mmasm.utils import load_tensor_file
from mmasm.utils.checkpoint import latest_complete_checkpoint, staging_name

ITERS = 4
DETERMINISTIC_PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs')
]


def train(config, work_dir):
    log_path = work_dir.parent / f'{work_dir.name}.log'
    return start_tool([
        sys.executable, REPO_ROOT / 'tools' / 'train.py', config, '--work-dir',
        work_dir
    ], log_path)


def wait_for(path, process, timeout=240):
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert process.poll(
        ) is None, 'the run ended before it hung in its save'
        assert time.monotonic() < deadline, 'the run never reached its save'
        time.sleep(0.2)


def test_killed_save_keeps_the_previous_checkpoint_and_resume_is_exact(
        tmp_path, cityscapes_root):
    flag = tmp_path / 'saving'
    extra = (
        f'train_cfg = dict(max_iters={ITERS}, val_interval=1000)\n'
        'custom_imports = dict(imports=["mmasm", "slow_save_hook"])\n'
        f'custom_hooks = [dict(type="SlowSaveHook", at={ITERS}, flag={str(flag)!r})]\n'
        'default_hooks = dict(checkpoint=dict(max_keep_ckpts=1))\n')
    config = write_tiny_segformer_config(
        tmp_path / 'cfg.py',
        cityscapes_root,
        extra,
        train_pipeline=DETERMINISTIC_PIPELINE)
    killed_dir = tmp_path / 'killed'
    killed = train(config, killed_dir)
    wait_for(flag, killed)
    os.kill(killed.pid, signal.SIGKILL)  # while it saves iter_4.pth
    killed.wait()
    assert sorted(p.name for p in killed_dir.glob('*.pth')) == ['iter_2.pth']
    assert (killed_dir / 'last_checkpoint').read_text() == str(killed_dir /
                                                               'iter_2.pth')
    (killed_dir / staging_name('iter_4.pth')).write_bytes(b'half a checkpoint')
    # the uninterrupted run (the flag exists: no hang) and the resume, one
    # after another in one process
    train_in_sequence([[config, '--work-dir', tmp_path / 'full'],
                       [config, '--work-dir', killed_dir, '--resume']],
                      tmp_path / 'train.log')

    assert sorted(p.name
                  for p in killed_dir.glob('*.pth')) == [f'iter_{ITERS}.pth']
    assert not (killed_dir / staging_name('iter_4.pth')).exists()
    expected = load_tensor_file(str(tmp_path / 'full' /
                                    f'iter_{ITERS}.pth'))['state_dict']
    actual = load_tensor_file(str(killed_dir /
                                  f'iter_{ITERS}.pth'))['state_dict']
    assert actual.keys() == expected.keys()
    assert [k for k in expected
            if not torch.equal(actual[k], expected[k])] == []


def test_resume_falls_back_to_the_newest_complete_checkpoint(tmp_path):
    for step in (2, 4, 6):
        torch.save(
            dict(w=torch.full((1000, ), float(step))),
            tmp_path / f'iter_{step}.pth')
    iter_6 = tmp_path / 'iter_6.pth'
    iter_6.write_bytes(iter_6.read_bytes()[:2000])  # truncated
    pointer = tmp_path / 'last_checkpoint'
    pointer.write_text(str(tmp_path / 'iter_4.pth'))
    assert latest_complete_checkpoint(str(tmp_path)) == str(tmp_path /
                                                            'iter_4.pth')
    for named in ('iter_6.pth', 'iter_8.pth'):  # truncated, deleted
        pointer.write_text(str(tmp_path / named))
        assert latest_complete_checkpoint(str(tmp_path)) == str(tmp_path /
                                                                'iter_4.pth')
    pointer.unlink()
    assert latest_complete_checkpoint(str(tmp_path)) == str(tmp_path /
                                                            'iter_4.pth')
    for step in (2, 4):
        (tmp_path / f'iter_{step}.pth').unlink()
    assert latest_complete_checkpoint(str(tmp_path)) is None

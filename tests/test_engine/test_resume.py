"""tools/train.py's ``--resume`` on CPU replays an uninterrupted run exactly
(``--amp`` on CPU: tests/test_engine/test_mixed_precision.py).

The resume test trains without random augmentation: mmengine does not
checkpoint the NumPy RNG, and onedl-mmengine resumes the sampler by skipping
indices without loading (and augmenting) the skipped samples, so random
crops / flips after a resume differ from the uninterrupted run's.
"""
import re

import torch
from mmengine.runner import CheckpointLoader
from utils import run_log, train_in_sequence, write_tiny_segformer_config

STOP_AT = 2
# No validation; checkpoints every STOP_AT iterations (the tiny config's).
NO_VALIDATION = 'train_cfg = dict(val_interval=1000)\n'
DETERMINISTIC_PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs')
]


def run(config, work_dir, max_iters, *flags):
    """tools/train.py's arguments for a run of ``max_iters`` iterations."""
    return [
        config, '--work-dir', work_dir, '--cfg-options',
        f'train_cfg.max_iters={max_iters}', *flags
    ]


def load_state_dict(path):
    return CheckpointLoader.load_checkpoint(
        str(path), map_location='cpu')['state_dict']


def logged_train_iters(log):
    return [int(i) for i in re.findall(r'Iter\(train\) \[\s*(\d+)/', log)]


def test_resumed_run_reaches_the_uninterrupted_weights(tmp_path,
                                                       cityscapes_root):
    config = write_tiny_segformer_config(
        tmp_path / 'cfg.py',
        cityscapes_root,
        NO_VALIDATION,
        train_pipeline=DETERMINISTIC_PIPELINE)
    full_dir, stopped_dir = tmp_path / 'full', tmp_path / 'stopped'
    # the train tool's three runs, one after another in one process
    train_in_sequence([
        run(config, full_dir, 2 * STOP_AT),
        run(config, stopped_dir, STOP_AT),
        run(config, stopped_dir, 2 * STOP_AT, '--resume')
    ], tmp_path / 'train.log')
    log = run_log(stopped_dir)  # the resumed run's

    assert logged_train_iters(log) == [STOP_AT + 1, 2 * STOP_AT]
    resumed_state = load_state_dict(stopped_dir / f'iter_{2 * STOP_AT}.pth')
    full_state = load_state_dict(full_dir / f'iter_{2 * STOP_AT}.pth')
    halfway_state = load_state_dict(stopped_dir / f'iter_{STOP_AT}.pth')
    assert resumed_state.keys() == full_state.keys()
    for name, value in full_state.items():
        assert torch.equal(resumed_state[name], value), name
    assert any(not torch.equal(halfway_state[name], value)
               for name, value in full_state.items())

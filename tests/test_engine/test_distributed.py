"""CPUDistRunner: train and test on 2 CPU processes under torchrun (gloo).

``tools/dist_train.sh CFG 2`` runs ``python -m torch.distributed.run
--nproc_per_node=2 tools/train.py CFG --launcher pytorch`` (= torchrun).
"""
import re
import sys

import pytest
import torch
from mmengine.runner import CheckpointLoader

from utils import (REPO_ROOT, finish_tool, free_port, save_random_rain, start_tool,
                   write_cityscapes, write_tiny_segformer_config)

NUM_ITERS = 4
# The tiny config has SyncBN in its head; nccl in dist_cfg (mmseg's default)
# must become gloo; each rank dumps its model before and after training.
DISTRIBUTED_EXTRA = f"""
runner_type = 'CPUDistRunner'
custom_imports = dict(imports=['mmasm', 'rank_state_hook'])
custom_hooks = [dict(type='RankStateDumpHook')]
train_cfg = dict(max_iters={NUM_ITERS}, val_interval={NUM_ITERS})
"""


def dist_tool(script, *args):
    """``tools/dist_{train,test}.sh``: torchrun with 2 processes, a free port
    and this interpreter."""
    return ['bash', REPO_ROOT / 'tools' / script, *args], dict(
        PYTHON=sys.executable, PORT=str(free_port()))


@pytest.fixture(scope='module')
def distributed_run(tmp_path_factory):
    """Data, config and work dir of one 2-process CPU training run."""
    root = tmp_path_factory.mktemp('distributed')
    write_cityscapes(root / 'cityscapes', 'train', num_images=4, seed=0)
    write_cityscapes(root / 'cityscapes', 'val', num_images=2, seed=1)
    config = write_tiny_segformer_config(root / 'cfg.py', root / 'cityscapes',
                                         DISTRIBUTED_EXTRA)
    work_dir = root / 'work_dir'
    log_path = root / 'train.log'
    args, env = dist_tool('dist_train.sh', config, '2', '--work-dir',
                          work_dir)
    process = start_tool(args, log_path, **env)
    log = finish_tool(process, log_path)
    return dict(root=root, config=config, work_dir=work_dir, log=log)


def load_rank_state(work_dir, rank, when):
    return torch.load(
        work_dir / f'rank{rank}_{when}.pth',
        map_location='cpu',
        weights_only=True)


def test_two_cpu_ranks_train_to_identical_weights(distributed_run):
    work_dir = distributed_run['work_dir']
    init = [load_rank_state(work_dir, rank, 'init') for rank in (0, 1)]
    final = [load_rank_state(work_dir, rank, 'final') for rank in (0, 1)]
    for state in final:
        assert state['wrapper'] == 'MMDistributedDataParallel'
        assert state['device_ids'] is None
        assert 'SyncBatchNorm' not in state['module_types']
        assert '_BatchNormXd' in state['module_types']
    rank0, rank1 = final[0]['state_dict'], final[1]['state_dict']
    assert rank0.keys() == rank1.keys()
    # parameters by DDP, the reverted SyncBN's running statistics by the runner
    differing = [k for k in rank0 if not torch.equal(rank0[k], rank1[k])]
    assert differing == []
    unchanged = [
        k for k in rank0 if torch.equal(init[0]['state_dict'][k], rank0[k])
    ]
    assert unchanged == []
    log = distributed_run['log']
    assert f'Iter(train) [{NUM_ITERS}/{NUM_ITERS}]' in log
    assert 'RunningStatsSyncHook' in log


def test_checkpoint_holds_the_trained_state(distributed_run):
    work_dir = distributed_run['work_dir']
    checkpoint = CheckpointLoader.load_checkpoint(
        str(work_dir / f'iter_{NUM_ITERS}.pth'), map_location='cpu')
    final = load_rank_state(work_dir, 1, 'final')['state_dict']
    assert checkpoint['state_dict'].keys() == final.keys()
    for name, value in final.items():
        assert torch.equal(checkpoint['state_dict'][name], value), name


def logged_metrics(log, mode):
    """aAcc, mIoU, mAcc of the last ``Iter(<mode>)`` metrics line (not the
    metrics JSON: mmengine's LoggerHook writes it from every rank at once)."""
    metrics = re.findall(
        rf'Iter\({mode}\).*aAcc: ([\d.]+)\s+mIoU: ([\d.]+)\s+mAcc: ([\d.]+)',
        log)
    assert metrics, log[-2000:]
    return metrics[-1]


def test_distributed_test_matches_single_process(distributed_run):
    root = distributed_run['root']
    checkpoint = distributed_run['work_dir'] / f'iter_{NUM_ITERS}.pth'
    config = distributed_run['config']
    test_tool = REPO_ROOT / 'tools' / 'test.py'
    runs = {
        'dist': dist_tool('dist_test.sh', config, checkpoint, '2'),
        'single': ([sys.executable, test_tool, config, checkpoint], {}),
    }
    processes = {
        name:
        start_tool([*args, '--work-dir', root / f'test_{name}'],
                   root / f'test_{name}.log', **env)
        for name, (args, env) in runs.items()
    }
    logs = {
        name: finish_tool(process, root / f'test_{name}.log')
        for name, process in processes.items()
    }
    assert 'Iter(test) [1/1]' in logs['dist']  # each rank: 1 of 2 images
    assert 'Iter(test) [2/2]' in logs['single']
    test_metrics = logged_metrics(logs['single'], 'test')
    assert logged_metrics(logs['dist'], 'test') == test_metrics
    # the checkpoint holds the state validated at the end of training
    assert logged_metrics(distributed_run['log'], 'val') == test_metrics


@pytest.fixture(scope='module')
def asm_distributed_run(tmp_path_factory):
    """A 2-process CPU run with ASMHook: its extra train_steps go through
    DDP too, so both ranks must still agree."""
    root = tmp_path_factory.mktemp('asm_distributed')
    write_cityscapes(root / 'cityscapes', 'train', num_images=4, seed=0)
    write_cityscapes(root / 'cityscapes', 'val', num_images=2, seed=1)
    save_random_rain(root / 'rain.pth')
    target = next((root / 'cityscapes').glob('leftImg8bit/train/*/*.png'))
    extra = DISTRIBUTED_EXTRA.replace(
        "custom_hooks = [dict(type='RankStateDumpHook')]",
        "custom_hooks = [dict(type='RankStateDumpHook'), dict(type='ASMHook', "
        f"rain_checkpoint={str(root / 'rain.pth')!r}, target={str(target)!r}, "
        "search_depth=2, keep_source=True, vis_interval=0)]")
    config = write_tiny_segformer_config(root / 'cfg.py', root / 'cityscapes', extra)
    log_path = root / 'train.log'
    args, env = dist_tool('dist_train.sh', config, '2', '--work-dir', root / 'work_dir')
    log = finish_tool(start_tool(args, log_path, **env), log_path)
    return dict(work_dir=root / 'work_dir', log=log)


def test_asm_hook_keeps_two_cpu_ranks_identical(asm_distributed_run):
    work_dir = asm_distributed_run['work_dir']
    init = load_rank_state(work_dir, 0, 'init')['state_dict']
    rank0, rank1 = (load_rank_state(work_dir, rank, 'final')['state_dict'] for rank in (0, 1))
    assert [k for k in rank0 if not torch.equal(rank0[k], rank1[k])] == []
    assert [k for k in rank0 if torch.equal(init[k], rank0[k])] == []
    log = asm_distributed_run['log']
    assert 'asm_loss_depth0' in log and 'asm_loss_depth1' in log
    assert f'Iter(train) [{NUM_ITERS}/{NUM_ITERS}]' in log

"""CPUDistRunner: train and test on 2 CPU processes under torchrun (gloo).

``tools/dist_train.sh CFG 2`` runs ``python -m torch.distributed.run
--nproc_per_node=2 tools/train.py CFG --launcher pytorch`` (= torchrun;
``tools/dist_test.sh`` likewise tools/test.py); the runs here are
tools/train.py's and tools/test.py's under torchrun, in the suite's one
two-rank launch (``two_rank_runs`` in conftest.py).
"""
import re
import sys

import cv2
import numpy as np
import pytest
import torch
from mmengine.runner import CheckpointLoader
from utils import (DATA_DIR, REPO_ROOT, run_log, save_random_rain,
                   write_cityscapes, write_tiny_segformer_config)

from mmasm.utils import amp_device_available
from tools import test as tool_test

NUM_ITERS = 4
# The tiny config has SyncBN in its head; nccl in dist_cfg (mmseg's default)
# must become gloo; each rank dumps its model before and after training.
DISTRIBUTED_EXTRA = f"""
runner_type = 'CPUDistRunner'
custom_imports = dict(imports=['mmasm', 'rank_state_hook'])
custom_hooks = [dict(type='RankStateDumpHook')]
train_cfg = dict(max_iters={NUM_ITERS}, val_interval={NUM_ITERS})
"""


@pytest.fixture(scope='module')
def distributed_run(two_rank_runs):
    """Data, config, work dir and log of one 2-process CPU training run."""
    root = two_rank_runs[write_runs] / 'distributed'
    work_dir = root / 'work_dir'
    return dict(
        root=root,
        config=root / 'cfg.py',
        work_dir=work_dir,
        log=run_log(work_dir))


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


def test_distributed_test_matches_single_process(distributed_run, monkeypatch):
    """``tools/test.py`` on the 2 ranks (a run of the two-rank launch, see
    ``write_runs``) and in one process (its ``main`` in this process)."""
    root = distributed_run['root']
    checkpoint = distributed_run['work_dir'] / f'iter_{NUM_ITERS}.pth'
    # the tool makes mmengine's loaders weights-only: for this test only
    monkeypatch.setattr(CheckpointLoader, '_schemes',
                        dict(CheckpointLoader._schemes))
    monkeypatch.syspath_prepend(str(DATA_DIR))  # the config's test hook
    monkeypatch.setattr(sys, 'argv', [
        'test.py',
        str(distributed_run['config']),
        str(checkpoint), '--work-dir',
        str(root / 'test_single')
    ])
    tool_test.main()
    logs = {
        name: run_log(root / f'test_{name}')
        for name in ('dist', 'single')
    }
    assert 'Iter(test) [1/1]' in logs['dist']  # each rank: 1 of 2 images
    assert 'Iter(test) [2/2]' in logs['single']
    test_metrics = logged_metrics(logs['single'], 'test')
    assert logged_metrics(logs['dist'], 'test') == test_metrics
    # the checkpoint holds the state validated at the end of training
    assert logged_metrics(distributed_run['log'], 'val') == test_metrics


# ------------------------------------- every trainable kind under 2 ranks --

KIND_ITERS = 2
#: what every kind's child config adds: CPU ranks, the rank dump hook
KIND_EXTRA = f"""
runner_type = 'mmasm.CPUDistRunner'
custom_imports = dict(imports=['mmasm', 'rank_state_hook'], allow_failed_imports=False)
train_cfg = dict(max_iters={KIND_ITERS})
default_hooks = dict(logger=dict(interval=1))
"""
#: kind -> (model wrapper, a loss only its own training step logs)
KIND_CHECKS = {
    'asm': ('MMDistributedDataParallel', 'asm_loss_depth1'),
    # --amp without a GPU: bfloat16 autocast in channels_last
    'asm-amp': ('MMDistributedDataParallel', 'asm_loss_depth1'),
    'rain': ('MMDistributedDataParallel', 'loss_kl'),
    'lrm': ('MMSeparateDistributedDataParallel', 'loss_disc'),
}


def write_images(folder, num, size, seed):
    """``num`` random colour PNGs of ``size`` (h, w) in ``folder``."""
    folder.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    for index in range(num):
        cv2.imwrite(
            str(folder / f'{index:02d}.png'),
            rng.integers(0, 256, (*size, 3), dtype=np.uint8))


def asm_config(root):
    """The tiny SegFormer with ASMHook (search depth 2) on tiny Cityscapes."""
    write_cityscapes(root / 'cityscapes', 'train', num_images=4, seed=0)
    write_cityscapes(root / 'cityscapes', 'val', num_images=2, seed=1)
    save_random_rain(root / 'rain.pth')
    target = next((root / 'cityscapes').glob('leftImg8bit/train/*/*.png'))
    hooks = (
        "custom_hooks = [dict(type='RankStateDumpHook'), dict(type='ASMHook', "
        f"rain_checkpoint={str(root / 'rain.pth')!r}, target={str(target)!r}, "
        'search_depth=2, keep_source=True, vis_interval=0)]\n'
        f'train_cfg = dict(max_iters={KIND_ITERS}, val_interval={KIND_ITERS})\n'
    )
    return write_tiny_segformer_config(root / 'cfg.py', root / 'cityscapes',
                                       KIND_EXTRA + hooks)


def rain_config(root):
    """configs/rain/rain_tiny_cpu.py on 32x32 crops of tiny folders."""
    write_images(root / 'content', 4, (32, 48), seed=0)
    write_images(root / 'style', 4, (32, 48), seed=1)
    pipeline = [
        dict(type='LoadImageFromFile', color_type='color'),
        dict(type='RandomCrop', crop_size=(32, 32))
    ]
    dataset = dict(
        content=dict(data_root=str(root / 'content'), pipeline=pipeline),
        style=dict(data_root=str(root / 'style'), pipeline=pipeline))
    text = (
        f"_base_ = [{str(REPO_ROOT / 'configs/rain/rain_tiny_cpu.py')!r}]\n"
        f'{KIND_EXTRA}train_dataloader = dict(dataset={dataset!r})\n'
        "custom_hooks = [dict(type='RankStateDumpHook'), "
        "dict(type='WeightsExportHook', filename='rain_final.pth')]\n")
    (root / 'cfg.py').write_text(text)
    return root / 'cfg.py'


def lrm_config(root):
    """configs/lrm/lrm_tiny_demo.py on 32x32 images, narrow discriminator."""
    write_images(root / 'source', 4, (32, 32), seed=0)
    write_images(root / 'target', 1, (32, 32), seed=1)
    dataset = dict(
        source=dict(data_root=str(root / 'source')),
        target=str(root / 'target' / '00.png'))
    text = (
        f"_base_ = [{str(REPO_ROOT / 'configs/lrm/lrm_tiny_demo.py')!r}]\n"
        f'{KIND_EXTRA}train_dataloader = dict(dataset={dataset!r})\n'
        'model = dict(discriminator=dict(channels=(3, 8, 16, 16, 16, 1)))\n'
        "custom_hooks = [dict(type='RankStateDumpHook'), "
        "dict(type='WeightsExportHook', filename='lrm_translator.pth')]\n")
    (root / 'cfg.py').write_text(text)
    return root / 'cfg.py'


def distributed_config(root):
    """The tiny SegFormer on tiny Cityscapes, NUM_ITERS iterations."""
    write_cityscapes(root / 'cityscapes', 'train', num_images=4, seed=0)
    write_cityscapes(root / 'cityscapes', 'val', num_images=2, seed=1)
    return write_tiny_segformer_config(root / 'cfg.py', root / 'cityscapes',
                                       DISTRIBUTED_EXTRA)


KIND_CONFIGS = {
    'asm': asm_config,
    'asm-amp': asm_config,
    'rain': rain_config,
    'lrm': lrm_config
}


def write_runs(root):
    """The 2-process runs of this module: ``distributed/`` (the tiny
    SegFormer, then ``tools/test.py`` on its checkpoint) and one per kind
    (a segmentor with ASM in float32 and with ``--amp``, RAIN pretraining,
    an LRM translator; KIND_ITERS iterations), each in
    ``<name>/work_dir``."""
    builders = dict(distributed=distributed_config, **KIND_CONFIGS)
    if amp_device_available():  # bf16 --amp needs a GPU-less machine
        del builders['asm-amp']
    runs = []
    for name, build in builders.items():
        (root / name).mkdir()
        flags = ['--amp'] if name == 'asm-amp' else []
        runs.append([
            build(root / name), '--work-dir', root / name / 'work_dir', *flags
        ])
        if name == 'distributed':  # tools/test.py on its last checkpoint
            runs.append([
                'test', runs[-1][0],
                root / name / 'work_dir' / f'iter_{NUM_ITERS}.pth',
                '--work-dir', root / name / 'test_dist'
            ])
    return runs


pytestmark = pytest.mark.two_rank_runs(write=write_runs)


@pytest.fixture(params=[
    pytest.param(
        kind,
        marks=pytest.mark.skipif(
            kind == 'asm-amp' and amp_device_available(),
            reason='bf16 --amp needs a GPU-less machine'))
    for kind in KIND_CHECKS
])
def trained_kind(request, two_rank_runs):
    """A kind's work dir and log."""
    work_dir = two_rank_runs[write_runs] / request.param / 'work_dir'
    return request.param, work_dir, run_log(work_dir)


def name_groups(names):
    """The first two components of parameter names (wrappers' ``module``
    dropped): ``translator.encoder``, ``rain.decoder``, ..."""
    return {'.'.join(k.replace('.module.', '.').split('.')[:2]) for k in names}


def test_every_trainable_kind_ends_identical_on_two_cpu_ranks(trained_kind):
    kind, work_dir, log = trained_kind
    wrapper, own_loss = KIND_CHECKS[kind]
    init = load_rank_state(work_dir, 0, 'init')
    final = [load_rank_state(work_dir, rank, 'final') for rank in (0, 1)]
    assert [state['wrapper'] for state in final] == [wrapper, wrapper]
    rank0, rank1 = (state['state_dict'] for state in final)
    assert rank0.keys() == rank1.keys()
    assert [k for k in rank0 if not torch.equal(rank0[k], rank1[k])] == []
    # every trained network moved (some BIN gates may sit clamped at 1)
    trainable = final[0]['trainable_names']
    moved = [
        k for k in trainable
        if not torch.equal(init['state_dict'][k], rank0[k])
    ]
    assert name_groups(moved) == name_groups(trainable)
    assert f'Iter(train) [{KIND_ITERS}/{KIND_ITERS}]' in log
    assert own_loss in log  # the model's (or hook's) own train step ran
    if kind == 'asm-amp':
        assert 'BF16OptimWrapper' in log
        assert rank0['backbone.layers.0.0.projection.weight'].is_contiguous(
            memory_format=torch.channels_last)

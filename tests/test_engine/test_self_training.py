"""Self-training through mmasm's tools: it trains and logs, a resumed run
reaches the uninterrupted one's student, teacher and sampler state, two
CPU ranks stay identical, and ASM composes with it."""
import re
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import CheckpointLoader
from utils import (REPO_ROOT, TINY_SEGFORMER_CFG, finish_tool, free_port,
                   run_log, save_random_rain, start_tool, train_in_sequence,
                   write_cityscapes, write_gta5)

from mmasm.datasets.gta5 import convert_label_dir, gta5_label_to_train_ids
from mmasm.utils import build_runner, unwrap_model

pytestmark = pytest.mark.usefixtures('one_torch_thread')
UDA_BASE = REPO_ROOT / 'configs' / '_base_' / 'uda' / 'dacs.py'
CROP = "dict(type='RandomCrop', crop_size=(32, 32)), dict(type='RandomFlip', prob=0.5), " \
       "dict(type='PackSegInputs')"
# The tiny SegFormer as a DACS student with every option on, on tiny GTA5 ->
# Cityscapes data; random crops and flips (exact resumes need no fixed data).
TINY_DACS = """
_base_ = [{tiny!r}, {uda!r}]
model = dict(_base_.dacs, type='DACS', alpha=0.9, pseudo_weight_ignore_top=2,
             pseudo_weight_ignore_bottom=4, imnet_feature_dist=dict(loss_weight=0.005),
             mic=dict(block_size=8), vis_interval=2)
train_dataloader = dict(_delete_=True, batch_size=2, num_workers=0, persistent_workers=False,
    sampler=dict(type='SeededInfiniteSampler', shuffle=True),
    dataset=dict(type='UDADataset',
        source=dict(type='GTA5Dataset', data_root={gta5!r},
                    data_prefix=dict(img_path='images', seg_map_path='labels'),
                    pipeline=[dict(type='LoadImageFromFile'),
                              dict(type='LoadAnnotations'), {crop}]),
        target=dict(type='ImageFolderDataset', data_root={target!r},
                    pipeline=[dict(type='LoadImageFromFile'), {crop}])))
val_dataloader = dict(dataset=dict(data_root={cityscapes!r}))
test_dataloader = val_dataloader
train_cfg = dict(max_iters=4, val_interval={val_interval})
"""
DISTRIBUTED = """
runner_type = 'CPUDistRunner'
custom_imports = dict(imports=['mmasm', 'rank_state_hook'])
custom_hooks = [dict(type='mmasm.NumClassCheckHook'), dict(type='RankStateDumpHook')]
"""


def write_data(root):
    write_gta5(root / 'gta5', num_images=4, seed=2)
    convert_label_dir(str(root / 'gta5' / 'labels'), gta5_label_to_train_ids)
    write_cityscapes(root / 'cityscapes', 'train', num_images=3, seed=0)
    write_cityscapes(root / 'cityscapes', 'val', num_images=2, seed=1)


def write_config(root, name='cfg.py', val_interval=1000, extra=''):
    text = TINY_DACS.format(
        tiny=str(TINY_SEGFORMER_CFG),
        uda=str(UDA_BASE),
        gta5=str(root / 'gta5'),
        crop=CROP,
        target=str(root / 'cityscapes' / 'leftImg8bit' / 'train'),
        cityscapes=str(root / 'cityscapes'),
        val_interval=val_interval)
    (root / name).write_text(text + extra)
    return root / name


def state_dict(path):
    return CheckpointLoader.load_checkpoint(
        str(path), map_location='cpu')['state_dict']


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('self_training')
    write_data(root)
    return root


@pytest.fixture(scope='module')
def resumed_runs(data_root):
    """A 4-iteration run, and a run stopped at 2 and resumed to 4 (the
    train tool's three runs, one after another in one process)."""
    config = write_config(data_root, 'resume_cfg.py', val_interval=4)
    full_dir, stopped_dir = data_root / 'full', data_root / 'stopped'

    def run(work_dir, max_iters, *flags):
        return [
            config, '--work-dir', work_dir, '--cfg-options',
            f'train_cfg.max_iters={max_iters}', *flags
        ]

    train_in_sequence([
        run(full_dir, 4),
        run(stopped_dir, 2),
        run(stopped_dir, 4, '--resume')
    ], data_root / 'resume.log')
    return dict(
        full_dir=full_dir,
        stopped_dir=stopped_dir,
        full_log=run_log(full_dir),
        resumed_log=run_log(stopped_dir))


def test_train_tool_trains_logs_and_checkpoints_the_teacher(resumed_runs):
    log, work_dir = resumed_runs['full_log'], resumed_runs['full_dir']
    for key in ('src.decode.loss_ce', 'src.loss_imnet_feat_dist',
                'mix.decode.loss_ce', 'masked.decode.loss_ce', 'pseudo_weight',
                'pl_share.18', 'mIoU'):
        assert key in log, key
    state = state_dict(work_dir / 'iter_4.pth')
    assert int(state['ema_steps']) == 4
    teacher = {k for k in state if k.startswith('teacher.')}
    assert {
        'teacher.' + k[len('segmentor.'):]
        for k in state if k.startswith('segmentor.')
    } == teacher
    assert list(work_dir.glob('*/vis_data/vis_image/dacs_mix_2.png'))


def test_a_resumed_run_reaches_the_uninterrupted_student_and_teacher(
        resumed_runs):
    log = resumed_runs['resumed_log']
    assert [int(i)
            for i in re.findall(r'Iter\(train\) \[\s*(\d+)/', log)] == [3, 4]
    full_state = state_dict(resumed_runs['full_dir'] / 'iter_4.pth')
    resumed_state = state_dict(resumed_runs['stopped_dir'] / 'iter_4.pth')
    halfway = state_dict(resumed_runs['stopped_dir'] / 'iter_2.pth')
    assert resumed_state.keys() == full_state.keys()
    for name, value in full_state.items():
        assert torch.equal(resumed_state[name], value), name
    for prefix in ('segmentor.', 'teacher.'):
        assert any(not torch.equal(halfway[k], v)
                   for k, v in full_state.items()
                   if k.startswith(prefix)), prefix


def test_two_cpu_ranks_keep_student_and_teacher_identical(data_root):
    config = write_config(data_root, 'dist_cfg.py', extra=DISTRIBUTED)
    work_dir = data_root / 'dist'
    log_path = data_root / 'dist.log'
    process = start_tool([
        'bash', REPO_ROOT / 'tools' / 'dist_train.sh', config, '2',
        '--work-dir', work_dir, '--cfg-options', 'train_cfg.max_iters=2'
    ],
                         log_path,
                         PYTHON=sys.executable,
                         PORT=str(free_port()))
    log = finish_tool(process, log_path)
    assert 'Iter(train) [2/2]' in log
    init = torch.load(
        work_dir / 'rank0_init.pth', weights_only=True)['state_dict']
    ranks = [
        torch.load(work_dir / f'rank{r}_final.pth', weights_only=True)
        for r in (0, 1)
    ]
    assert all(r['wrapper'] == 'MMSeparateDistributedDataParallel'
               for r in ranks)
    rank0, rank1 = ranks[0]['state_dict'], ranks[1]['state_dict']
    assert [k for k in rank0 if not torch.equal(rank0[k], rank1[k])] == []
    for prefix in ('segmentor.', 'teacher.'):
        assert any(not torch.equal(init[k], v) for k, v in rank0.items()
                   if k.startswith(prefix))
    assert int(rank0['ema_steps']) == 2


def test_asm_and_self_training_compose(data_root, tmp_path):
    """ASMHook's intermediate train_steps carry the batch's target images, so
    each of its search depths is a full self-training step."""
    target = next((data_root / 'cityscapes').glob('leftImg8bit/train/*/*.png'))
    save_random_rain(tmp_path / 'rain.pth')
    asm = (
        f"custom_hooks = [dict(type='mmasm.NumClassCheckHook'), dict(type='ASMHook', "
        f"rain_checkpoint={str(tmp_path / 'rain.pth')!r}, target={str(target)!r}, "
        'search_depth=2, keep_source=True, vis_interval=0)]\n')
    cfg = Config.fromfile(
        str(write_config(data_root, 'asm_cfg.py', extra=asm)))
    cfg.work_dir = str(tmp_path / 'work')
    cfg.train_cfg.max_iters = 2
    runner = build_runner(cfg)
    runner.train()
    hub = runner.message_hub
    assert {
        'train/asm_loss_depth0', 'train/asm_loss_depth1',
        'train/mix.decode.loss_ce'
    } <= set(hub.log_scalars)
    assert int(unwrap_model(
        runner.model).ema_steps) == 4  # 2 depths x 2 iterations

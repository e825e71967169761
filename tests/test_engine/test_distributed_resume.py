"""2 CPU ranks (gloo), for every model kind in ``MODEL_KINDS``: a run
resumed from the uninterrupted run's ``iter_2.pth`` ends, on both ranks,
with the uninterrupted run's weights; and with plain BN both ranks (so
distributed validation and the checkpoint) hold the same statistics.

A kind (ASM, ASH, DACS self-training, DACS with an HRDA student) is a
function writing a config (tiny SegFormer with plain BN, 2 gloo
ranks, checkpoints every 2 iterations, deterministic pipeline); add a model
kind by adding one. The checkpoint at iteration 2 is the same whether the
run was later killed or not, so resuming from the full run's is the killed
run's resume. The runs are tools/train.py's under torchrun, in the suite's
one two-rank launch (``two_rank_runs`` in conftest.py).
"""
import pytest
import torch
from utils import (REPO_ROOT, TINY_SEGFORMER_CFG, data_root_overrides,
                   save_random_rain, write_cityscapes)

from mmasm.utils import load_tensor_file

ITERS, RESUME_AT = 4, 2
DETERMINISTIC_PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs')
]
# plain BN, not SyncBN: each rank's statistics would follow its own batches
PLAIN_BN_HEAD = dict(
    decode_head=dict(norm_cfg=dict(type='BN', requires_grad=True)))
DISTRIBUTED = f"""
runner_type = 'CPUDistRunner'
custom_imports = dict(imports=['mmasm', 'rank_state_hook'])
train_cfg = dict(max_iters={ITERS}, val_interval=100)
default_hooks = dict(checkpoint=dict(interval={RESUME_AT}))
log_level = 'WARNING'
"""


def tiny_segformer_lines(files):
    """``_base_`` and data of the tiny SegFormer with a deterministic train
    pipeline (mmengine does not checkpoint NumPy's random crops / flips)."""
    overrides = data_root_overrides(files['data'])
    overrides['train_dataloader']['dataset'][
        'pipeline'] = DETERMINISTIC_PIPELINE
    return [f'{key} = {value!r}' for key, value in overrides.items()]


def asm_config(files):
    """The tiny SegFormer trained with ``ASMHook`` (per-rank style search)."""
    asm = dict(
        type='ASMHook',
        rain_checkpoint=files['rain'],
        target=files['target'],
        search_depth=2,
        vis_interval=0)
    return [
        f'_base_ = [{str(TINY_SEGFORMER_CFG)!r}]',
        *tiny_segformer_lines(files), f'model = {PLAIN_BN_HEAD!r}',
        f"custom_hooks = [dict(type='RankStateDumpHook'), {asm!r}]"
    ]


def ash_config(files):
    """The tiny SegFormer as the segmentor of ``mmasm.ASH`` (three networks
    in separate DDP wrappers, per-rank style draws)."""
    ash_base = REPO_ROOT / 'configs' / '_base_' / 'ash' / 'ash.py'
    model = dict(
        PLAIN_BN_HEAD,
        rain_checkpoint=files['rain'],
        style=files['style'],
        vis_interval=0)
    return [
        f'_base_ = [{str(TINY_SEGFORMER_CFG)!r}, {str(ash_base)!r}]',
        *tiny_segformer_lines(files),
        f'model = dict(_base_.ash_model, **{model!r})',
        'optim_wrapper = dict(_base_.ash_optim_wrapper)',
        "custom_hooks = [dict(type='RankStateDumpHook')]"
    ]


def dacs_config(files):
    """The tiny SegFormer as the student of ``mmasm.DACS`` (EMA teacher,
    ClassMix and augmentation drawn per sample), self-training from the
    Cityscapes train images (source, labelled) to the val images (target)."""
    uda_base = REPO_ROOT / 'configs' / '_base_' / 'uda' / 'dacs.py'
    pack = [dict(type='LoadImageFromFile'), dict(type='PackSegInputs')]
    dataset = dict(
        type='UDADataset',
        source=dict(
            type='CityscapesDataset',
            data_root=str(files['data']),
            data_prefix=dict(
                img_path='leftImg8bit/train', seg_map_path='gtFine/train'),
            pipeline=DETERMINISTIC_PIPELINE),
        target=dict(
            type='ImageFolderDataset',
            data_root=str(files['data'] / 'leftImg8bit' / 'val'),
            pipeline=pack))
    loader = dict(
        _delete_=True,
        batch_size=2,
        num_workers=0,
        persistent_workers=False,
        sampler=dict(type='SeededInfiniteSampler', shuffle=True),
        dataset=dataset)
    return [
        f'_base_ = [{str(TINY_SEGFORMER_CFG)!r}, {str(uda_base)!r}]',
        *tiny_segformer_lines(files), f'train_dataloader = {loader!r}',
        f"model = dict(_base_.dacs, type='DACS', vis_interval=0, **{PLAIN_BN_HEAD!r})",
        "custom_hooks = [dict(type='RankStateDumpHook')]"
    ]


def hrda_config(files):
    """``dacs_config`` with the tiny SegFormer as an HRDA student (16x16
    detail crops of the 32x64 images, sliding detail windows for the
    pseudo-labels), thing-class feature distance and MIC."""
    lines = dacs_config(files)
    head = dict(type='HRDAHead', attention_embed_dim=8, hr_loss_weight=0.1)
    hrda = dict(
        segmentor_type='HRDAEncoderDecoder',
        hr_crop_size=(16, 16),
        crop_coord_divisible=8,
        feature_scale=0.5,
        imnet_feature_dist=dict(loss_weight=0.005),
        mic=dict(block_size=8))
    single = f"dict(_base_.model.decode_head, **{PLAIN_BN_HEAD['decode_head']!r})"
    return lines + [
        f'model.update(decode_head=dict(_delete_=True, '
        f'single_scale_head={single}, **{head!r}), **{hrda!r})'
    ]


MODEL_KINDS = dict(
    asm=asm_config, ash=ash_config, dacs=dacs_config, hrda=hrda_config)


def write_files(root):
    """Cityscapes-layout data, a random RAIN, a one-shot target and a style
    folder."""
    write_cityscapes(root / 'cityscapes', 'train', num_images=4, seed=0)
    write_cityscapes(root / 'cityscapes', 'val', num_images=2, seed=1)
    save_random_rain(root / 'rain.pth')
    target = sorted((root / 'cityscapes').glob('leftImg8bit/train/*/*.png'))[0]
    return dict(
        data=root / 'cityscapes',
        rain=str(root / 'rain.pth'),
        target=str(target),
        style=str(root / 'cityscapes' / 'leftImg8bit' / 'val'))


def write_resume_runs(root):
    """For every kind, an uninterrupted 2-rank run (``<kind>/full``) and one
    resumed from its iter_2.pth (``<kind>/resumed``)."""
    files = write_files(root)
    runs = []
    for kind, lines in MODEL_KINDS.items():
        config = root / f'{kind}.py'
        config.write_text('\n'.join(lines(files)) + DISTRIBUTED)
        full, resumed = root / kind / 'full', root / kind / 'resumed'
        runs += [[config, '--work-dir', full],
                 [
                     config, '--work-dir', resumed, '--resume',
                     '--cfg-options',
                     f'load_from={full / f"iter_{RESUME_AT}.pth"}'
                 ]]
    return runs


pytestmark = pytest.mark.two_rank_runs(write=write_resume_runs)


@pytest.fixture(params=sorted(MODEL_KINDS))
def runs(request, two_rank_runs):
    """A kind's uninterrupted run and the one resumed from its iter_2.pth."""
    kind, root = request.param, two_rank_runs[write_resume_runs]
    return dict(
        kind=kind, full=root / kind / 'full', resumed=root / kind / 'resumed')


def state_dict(path):
    return load_tensor_file(str(path))['state_dict']


def assert_same_tensors(actual, expected, what):
    assert actual.keys() == expected.keys(), what
    differing = [
        k for k in expected if not torch.equal(actual[k], expected[k])
    ]
    assert differing == [], f'{what}: {differing}'


def test_two_rank_resume_reaches_the_uninterrupted_weights(runs):
    full, resumed = runs['full'], runs['resumed']
    for rank in (0, 1):  # each rank's model when training ended
        assert_same_tensors(
            state_dict(resumed / f'rank{rank}_final.pth'),
            state_dict(full / f'rank{rank}_final.pth'),
            f'{runs["kind"]} rank {rank}')
    assert_same_tensors(
        state_dict(resumed / f'iter_{ITERS}.pth'),
        state_dict(full / f'iter_{ITERS}.pth'), f'{runs["kind"]} checkpoint')
    # training moved on after the resume
    assert any(not torch.equal(value,
                               state_dict(full / f'iter_{RESUME_AT}.pth')[key])
               for key, value in state_dict(full /
                                            f'iter_{ITERS}.pth').items())


def test_ranks_and_checkpoint_hold_the_same_batch_norm_statistics(runs):
    final = [
        state_dict(runs['full'] / f'rank{rank}_final.pth') for rank in (0, 1)
    ]
    assert any(key.endswith('bn.running_var') for key in final[0])
    assert_same_tensors(final[1], final[0], f'{runs["kind"]} ranks')
    assert_same_tensors(
        state_dict(runs['full'] / f'iter_{ITERS}.pth'), final[0],
        f'{runs["kind"]} checkpoint')

"""DACS: one training step does what the papers say; a short run learns;
bad input is a clear error."""
from types import SimpleNamespace

import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from utils import TINY_SEGFORMER_CFG

from mmasm.datasets import SampleDraw, UDADataset
from mmasm.datasets.gta5 import convert_label_dir, gta5_label_to_train_ids
from mmasm.engine.hooks import NumClassCheckHook
from mmasm.models.uda import DACS, ema_alpha
from mmasm.registry import MODELS

pytestmark = pytest.mark.usefixtures('one_torch_thread')
CROP = [
    dict(type='RandomCrop', crop_size=(32, 32)),
    dict(type='PackSegInputs')
]


@pytest.fixture
def uda_dataset(gta5_root, cityscapes_root):
    init_default_scope('mmasm')
    convert_label_dir(str(gta5_root / 'labels'), gta5_label_to_train_ids)
    source = dict(
        type='GTA5Dataset',
        data_root=str(gta5_root),
        data_prefix=dict(img_path='images', seg_map_path='labels'),
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadAnnotations'), *CROP
        ])
    target = dict(
        type='ImageFolderDataset',
        data_root=str(cityscapes_root / 'leftImg8bit' / 'train'),
        pipeline=[dict(type='LoadImageFromFile'), *CROP])
    return UDADataset(source, target)


def build_dacs(num_classes=19, **options) -> DACS:
    init_default_scope('mmasm')
    cfg = Config.fromfile(str(TINY_SEGFORMER_CFG)).model.to_dict()
    cfg['decode_head'].update(
        norm_cfg=dict(type='BN', requires_grad=True), num_classes=num_classes)
    torch.manual_seed(0)
    model = MODELS.build(dict(cfg, type='DACS', vis_interval=0, **options))
    model.init_weights()
    return model


def batch(dataset, position, size=2):
    return pseudo_collate(
        [dataset[SampleDraw(i, 0, position * size + i)] for i in range(size)])


def adamw(model, lr=1e-3):
    return build_optim_wrapper(
        model, dict(type='OptimWrapper', optimizer=dict(type='AdamW', lr=lr)))


def test_a_step_trains_the_student_and_moves_the_teacher_by_ema(uda_dataset):
    model = build_dacs(
        alpha=0.999,
        imnet_feature_dist=dict(loss_weight=0.005),
        mic=dict(block_size=8),
        pseudo_weight_ignore_top=2)
    student = model.segmentor_module
    before = {k: v.clone() for k, v in student.state_dict().items()}
    fd_before = {
        k: v.clone()
        for k, v in model.feature_distance.state_dict().items()
    }
    log_vars = model.train_step(batch(uda_dataset, 0), adamw(model))
    alpha = ema_alpha(1, 0.999)  # 0.5: the teacher started as the student
    after = student.state_dict()
    for name, value in model.teacher.state_dict().items():
        if value.is_floating_point():
            expected = alpha * before[name] + (1 - alpha) * after[name]
            assert torch.allclose(value, expected, atol=1e-6), name
    assert any(not torch.equal(before[k], after[k]) for k in before)
    assert all(p.grad is None and not p.requires_grad
               for p in model.teacher.parameters())
    for name, value in model.feature_distance.state_dict().items():
        assert torch.equal(value,
                           fd_before[name]), name  # frozen ImageNet copy
    assert int(model.ema_steps) == 1
    for key in ('src.decode.loss_ce', 'src.loss_imnet_feat_dist',
                'mix.decode.loss_ce', 'masked.decode.loss_ce', 'pseudo_weight',
                'pl_share.0', 'loss'):
        assert key in log_vars, key
    shares = sum(float(log_vars[f'pl_share.{c}']) for c in range(19))
    assert shares == pytest.approx(1.0)
    terms = [
        log_vars[k] for k in ('src.decode.loss_ce', 'src.loss_imnet_feat_dist',
                              'mix.decode.loss_ce', 'masked.decode.loss_ce')
    ]
    assert float(log_vars['loss']) == pytest.approx(
        float(sum(terms)), rel=1e-5)


def test_a_short_run_lowers_the_loss(uda_dataset):
    model = build_dacs(alpha=0.9)
    optim = adamw(model, lr=3e-3)
    data = batch(uda_dataset, 0)
    logs = [model.train_step(data, optim) for _ in range(12)]
    source = [float(log['src.decode.loss_ce']) for log in logs]
    total = [float(log['loss']) for log in logs]
    assert source[-1] < source[0] - 0.1, source
    assert total[-1] < total[0], total


def test_evaluation_network_is_a_switch(uda_dataset):
    student, teacher = build_dacs(), build_dacs(eval_network='teacher')
    assert student.inference_network() is student.segmentor
    assert teacher.inference_network() is teacher.teacher
    with pytest.raises(ValueError, match='eval_network'):
        build_dacs(eval_network='both')


def test_a_batch_without_target_images_is_a_clear_error(uda_dataset):
    model = build_dacs()
    data = batch(uda_dataset, 0)
    del data['target_inputs'], data['target_data_samples']
    with pytest.raises(
            KeyError, match='target_inputs, target_data_samples.*UDADataset'):
        model.train_step(data, adamw(model))


def test_class_count_mismatch_is_a_clear_error(uda_dataset):
    model = build_dacs(num_classes=5)
    with pytest.raises(
            ValueError,
            match=r'source label value \d+ >= model.decode_head.num_classes=5'
    ):
        model.train_step(batch(uda_dataset, 0), adamw(model))
    runner = SimpleNamespace(
        train_dataloader=SimpleNamespace(dataset=uda_dataset), model=model)
    with pytest.raises(
            ValueError,
            match=r'num_classes=5 but the training dataset.*19 classes'):
        NumClassCheckHook().before_train(runner)
    NumClassCheckHook().before_train(
        SimpleNamespace(
            train_dataloader=runner.train_dataloader, model=build_dacs()))

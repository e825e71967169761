"""DACS with an HRDA student and teacher: every student pass draws its own
detail crop, the feature distance sees the context pass, pseudo-label
weights follow the margins that PseudoLabelMargins carries through the
crop and flip."""
import numpy as np
import pytest
import torch
from mmengine.dataset import Compose, pseudo_collate
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from test_hrda import TINY_DAFORMER_HEAD, hrda_model_cfg, labelled
from utils import write_cityscapes, write_gta5

from mmasm.datasets import SampleDraw, UDADataset
from mmasm.datasets.gta5 import convert_label_dir, gta5_label_to_train_ids
from mmasm.models.uda import ema_alpha
from mmasm.models.uda.feature_distance import capture_last_features
from mmasm.models.uda.hrda_parts import (feature_distance_inputs,
                                         masked_pseudo_labels)
from mmasm.models.uda.pseudo_labels import PseudoLabels
from mmasm.registry import MODELS

pytestmark = pytest.mark.usefixtures('one_torch_thread')
META_KEYS = ('img_path', 'ori_shape', 'img_shape', 'pad_shape', 'flip',
             'flip_direction', 'valid_pseudo_mask')
MARGINS = (4, 8, 2, 6)


@pytest.fixture
def hrda_uda_dataset(tmp_path):
    init_default_scope('mmasm')
    write_gta5(tmp_path / 'gta5', num_images=2, size=(64, 96), seed=2)
    convert_label_dir(
        str(tmp_path / 'gta5' / 'labels'), gta5_label_to_train_ids)
    write_cityscapes(tmp_path / 'cs', 'train', num_images=2, size=(64, 96))
    crop = [
        dict(type='RandomCrop', crop_size=(64, 64)),
        dict(type='RandomFlip', prob=0.5)
    ]
    source = dict(
        type='GTA5Dataset',
        data_root=str(tmp_path / 'gta5'),
        data_prefix=dict(img_path='images', seg_map_path='labels'),
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadAnnotations'), *crop,
            dict(type='PackSegInputs')
        ])
    target = dict(
        type='ImageFolderDataset',
        data_root=str(tmp_path / 'cs' / 'leftImg8bit' / 'train'),
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='PseudoLabelMargins', margins=MARGINS), *crop,
            dict(type='PackSegInputs', meta_keys=META_KEYS)
        ])
    return UDADataset(source, target)


def build_hrda_dacs(**options):
    torch.manual_seed(0)
    cfg = hrda_model_cfg(TINY_DAFORMER_HEAD)
    model = MODELS.build(
        dict(
            cfg,
            type='DACS',
            segmentor_type=cfg.pop('type'),
            vis_interval=0,
            **options))
    model.init_weights()
    return model


def test_a_step_with_fd_and_mic_trains_through_hrda(hrda_uda_dataset):
    model = build_hrda_dacs(
        alpha=0.999,
        imnet_feature_dist=dict(loss_weight=0.005),
        mic=dict(block_size=16))
    student = model.segmentor_module
    before = {k: v.clone() for k, v in student.state_dict().items()}
    data = pseudo_collate(
        [hrda_uda_dataset[SampleDraw(i, 0, i)] for i in range(2)])
    optim = build_optim_wrapper(
        model,
        dict(type='OptimWrapper', optimizer=dict(type='AdamW', lr=1e-3)))
    log_vars = model.train_step(data, optim)
    for term in ('src', 'mix', 'masked'):  # fused and detail loss per pass
        assert f'{term}.decode.loss_ce' in log_vars
        assert f'{term}.decode.hr.loss_ce' in log_vars
    assert 'src.loss_imnet_feat_dist' in log_vars
    assert int(student.crop_draws) == 3  # one fresh detail box per pass
    alpha = ema_alpha(1, 0.999)
    after = student.state_dict()
    for name, value in model.teacher.state_dict().items():
        if value.is_floating_point():
            expected = alpha * before[name] + (1 - alpha) * after[name]
            assert torch.allclose(value, expected, atol=1e-6), name


def test_feature_distance_sees_the_context_pass():
    model = build_hrda_dacs(imnet_feature_dist=dict(loss_weight=0.005))
    student = model.segmentor_module
    inputs = torch.randn(2, 3, 64, 64)
    with capture_last_features(student) as recorded:
        student(inputs, labelled(2), mode='loss')
    assert len(recorded) == 2  # context, then detail
    features, images = feature_distance_inputs(student, recorded, inputs)
    assert images.shape[-2:] == (32, 32)
    assert torch.allclose(
        features, student.extract_feat(images)[-1], atol=1e-6)
    imagenet = model.feature_distance.imagenet_features(images)
    assert imagenet.shape == features.shape


def test_margins_follow_the_crop_and_flip_into_pseudo_label_weights():
    init_default_scope('mmasm')
    pipeline = Compose([
        dict(type='PseudoLabelMargins', margins=MARGINS),
        dict(type='RandomFlip', prob=1.0),
        dict(type='PackSegInputs', meta_keys=META_KEYS)
    ])
    image = np.zeros((32, 48, 3), dtype=np.uint8)
    sample = pipeline(dict(img=image, img_shape=(32, 48),
                           ori_shape=(32, 48)))['data_samples']
    mask = sample.metainfo['valid_pseudo_mask']
    expected = np.zeros((32, 48), dtype=np.uint8)
    expected[4:32 - 8, 6:48 - 2] = 1  # left / right swapped by the flip
    np.testing.assert_array_equal(mask, expected)
    pseudo = PseudoLabels(
        torch.zeros(1, 40, 48, dtype=torch.long), torch.full((1, 40, 48), 0.5),
        0.5)
    weighted = masked_pseudo_labels(pseudo, [sample])
    assert torch.equal(weighted.weight[0, :32],
                       0.5 * torch.from_numpy(expected).float())
    assert weighted.weight[0, 32:].sum() == 0  # padding is not valid
    with pytest.raises(ValueError, match='PseudoLabelMargins'):
        masked_pseudo_labels(
            PseudoLabels(
                pseudo.label.repeat(2, 1, 1), pseudo.weight.repeat(2, 1, 1),
                0.5), [sample, labelled(1, (32, 48))[0]])
    with pytest.raises(ValueError, match='margins'):
        Compose([dict(type='PseudoLabelMargins', margins=(1, 2))])

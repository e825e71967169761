"""The pieces of DACS / DAFormer / MIC, each against its definition."""
import math

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.models.utils import resize
from mmseg.structures import SegDataSample
from utils import TINY_SEGFORMER_CFG

from mmasm.models.uda import (ImageNetFeatureDistance, downscale_label_ratio,
                              ema_alpha, pseudo_labels, teacher_mode,
                              update_ema)
from mmasm.models.utils import (block_masks, class_mix_masks, mix,
                                pixel_weighted_losses, strong_augment)
from mmasm.registry import MODELS

pytestmark = pytest.mark.usefixtures('one_torch_thread')


def small_net(seed):
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.Dropout(0.5),
        nn.Conv2d(4, 2, 1))


def test_ema_update_equals_its_formula():
    teacher, student = small_net(0), small_net(1)
    student[1].running_mean.uniform_()
    student[1].num_batches_tracked.fill_(7)
    before = {k: v.clone() for k, v in teacher.state_dict().items()}
    update_ema(teacher, student, 0.75)
    for name, value in teacher.state_dict().items():
        if value.is_floating_point():
            expected = 0.75 * before[name] + 0.25 * student.state_dict()[name]
            assert torch.allclose(value, expected, atol=1e-7), name
    assert int(teacher[1].num_batches_tracked) == 7


def test_ema_alpha_warms_up_as_daformer():
    assert ema_alpha(1, 0.999) == 0.5  # after the first optimizer step
    assert ema_alpha(3, 0.999) == 0.75
    assert ema_alpha(10**6, 0.999) == 0.999


def test_teacher_mode_uses_batch_statistics_and_changes_nothing():
    teacher = small_net(0).train()
    teacher[1].running_mean.fill_(5.0)
    state = {k: v.clone() for k, v in teacher.state_dict().items()}
    x = torch.randn(2, 3, 8, 8)
    with torch.no_grad(), teacher_mode(teacher, 'batch'):
        first, second = teacher(x), teacher(x)
        conv = teacher[0](x)
        expected = teacher[3](
            F.batch_norm(
                conv,
                None,
                None,
                teacher[1].weight,
                teacher[1].bias,
                training=True))
    assert torch.equal(first, second)  # no dropout
    assert torch.allclose(first, expected, atol=1e-5)  # the batch's statistics
    for name, value in teacher.state_dict().items():
        assert torch.equal(value, state[name]), name
    assert all(m.training for m in teacher.modules())  # modes restored
    with torch.no_grad(), teacher_mode(teacher, 'running'):
        assert not any(m.training for m in teacher.modules())


def test_class_mix_pastes_exactly_the_chosen_classes():
    label = torch.tensor([[0, 0, 3, 3], [5, 5, 255, 7], [9, 9, 9, 7]])
    labels = label.expand(2, -1, -1)
    generators = [torch.Generator().manual_seed(s) for s in (0, 1)]
    masks = class_mix_masks(labels, generators, ignore_index=255)
    source, target = torch.rand(2, 3, 3, 4), torch.rand(2, 3, 3, 4)
    pseudo = torch.full((2, 3, 4), 11)
    for mask in masks:
        pasted = set(label[mask].tolist())
        assert len(pasted) == math.ceil(5 / 2)  # of classes {0, 3, 5, 7, 9}
        assert 255 not in pasted
        assert torch.equal(mask, torch.isin(label,
                                            torch.tensor(sorted(pasted))))
    mixed_image, mixed_label = mix(masks, source,
                                   target), mix(masks, labels, pseudo)
    expand = masks.unsqueeze(1).expand_as(source)
    assert torch.equal(mixed_image[expand], source[expand])
    assert torch.equal(mixed_image[~expand], target[~expand])
    assert torch.equal(mixed_label[masks], labels[masks])
    assert (mixed_label[~masks] == 11).all()
    again = class_mix_masks(labels,
                            [torch.Generator().manual_seed(s) for s in (0, 1)],
                            255)
    assert torch.equal(masks, again)


def test_authors_class_mix_draws_from_the_batch_ignore_included():
    labels = torch.stack([torch.full((2, 2), 1), torch.full((2, 2), 255)])
    masks = class_mix_masks(
        labels, [torch.Generator().manual_seed(s) for s in range(2)],
        255,
        mode='authors')
    assert masks.shape == (
        2, 2, 2)  # one of {1, 255} per image, each image single-class
    assert all(m.all() or not m.any() for m in masks)


def test_confidence_weight_matches_a_hand_count():
    torch.manual_seed(0)
    logits = torch.randn(2, 4, 20, 6) * 6
    probs = torch.softmax(logits, dim=1)
    hand = sum(
        float(probs[b, :, y, x].max()) >= 0.968 for b in range(2)
        for y in range(20) for x in range(6)) / (2 * 20 * 6)
    result = pseudo_labels(logits, threshold=0.968)
    assert 0 < hand < 1
    assert result.confidence == pytest.approx(hand)
    assert torch.equal(result.label, logits.argmax(1))
    assert torch.allclose(result.weight, torch.full((2, 20, 6), hand))


def test_pseudo_labels_ignore_the_cropped_rows():
    logits = torch.zeros(1, 3, 20, 5)
    logits[:, 1] = 10.0  # every pixel confident
    weight = pseudo_labels(
        logits, 0.968, ignore_top=3, ignore_bottom=5).weight[0]
    assert (weight[:3] == 0).all() and (weight[-5:] == 0).all()
    assert (weight[3:-5] == 1).all()


def tiny_segmentor(auxiliary=False):
    init_default_scope('mmasm')
    cfg = Config.fromfile(str(TINY_SEGFORMER_CFG)).model
    cfg.decode_head.norm_cfg = dict(type='BN', requires_grad=True)
    if auxiliary:
        cfg.auxiliary_head = dict(
            type='FCNHead',
            in_channels=16,
            in_index=1,
            channels=8,
            num_convs=1,
            concat_input=False,
            dropout_ratio=0.0,
            num_classes=19,
            norm_cfg=dict(type='BN', requires_grad=True),
            loss_decode=dict(type='CrossEntropyLoss', loss_weight=0.4))
    torch.manual_seed(0)
    return MODELS.build(cfg)


def labelled_batch(seed=0, size=(32, 32)):
    gen = torch.Generator().manual_seed(seed)
    inputs = torch.randn(2, 3, *size, generator=gen)
    labels = torch.randint(0, 19, (2, *size), generator=gen)
    labels[:, :4] = 255
    samples = []
    for label in labels:
        sample = SegDataSample(metainfo=dict(img_shape=size, pad_shape=size))
        sample.gt_sem_seg = PixelData(data=label[None])
        samples.append(sample)
    return inputs, labels, samples


def test_pixel_weights_reach_the_decode_and_auxiliary_heads():
    segmentor = tiny_segmentor(auxiliary=True)
    inputs, labels, samples = labelled_batch()
    weight = torch.rand(2, 32, 32, generator=torch.Generator().manual_seed(1))
    with torch.no_grad(), pixel_weighted_losses(segmentor, weight):
        weighted = segmentor(inputs, samples, mode='loss')
    with torch.no_grad(), pixel_weighted_losses(segmentor,
                                                torch.zeros(2, 32, 32)):
        zero = segmentor(inputs, samples, mode='loss')
    assert float(zero['decode.loss_ce']) == 0 and float(
        zero['aux.loss_ce']) == 0
    with torch.no_grad():
        logits = resize(
            segmentor(inputs, mode='tensor'),
            size=(32, 32),
            mode='bilinear',
            align_corners=False)
    ce = F.cross_entropy(logits, labels, reduction='none', ignore_index=255)
    assert float(weighted['decode.loss_ce']) == pytest.approx(
        float((ce * weight).mean()), rel=1e-5)
    assert segmentor.decode_head.sampler is None  # restored


def test_downscaled_labels_keep_only_clear_majorities():
    labels = torch.tensor([[[1, 1, 2, 2], [1, 1, 2, 255], [3, 3, 255, 255],
                            [3, 4, 255, 255]]])
    down = downscale_label_ratio(labels, (2, 2), min_ratio=0.75, num_classes=5)
    assert down.tolist() == [[[1, 2], [3, 255]]]


def test_feature_distance_is_lambda_times_the_thing_class_mean():
    segmentor = tiny_segmentor()
    fd = ImageNetFeatureDistance(
        segmentor, loss_weight=0.5, classes=(11, 13), scale_min_ratio=0.75)
    fd.reset(segmentor)
    inputs = torch.randn(1, 3, 32, 32)
    labels = torch.full((1, 32, 32), 0)
    labels[:, :16, :16] = 11  # the top-left quarter of the feature map
    student = segmentor.backbone(inputs)[-1] + 1.0  # (1, 16, 4, 4), stride 8
    loss = fd(student, inputs, labels)
    imagenet = fd.imagenet_features(inputs)
    expected = 0.5 * torch.norm(student - imagenet, dim=1)[:, :2, :2].mean()
    assert float(loss) == pytest.approx(float(expected), rel=1e-5)
    no_things = fd(student, inputs, torch.zeros_like(labels))
    assert float(no_things) == 0 and no_things.requires_grad


def test_block_masks_drop_whole_patches_at_the_ratio():
    generators = [torch.Generator().manual_seed(s) for s in range(200)]
    masks = block_masks((32, 64), generators, block_size=8, mask_ratio=0.7)
    assert masks.shape == (200, 1, 32, 64)
    blocks = masks.reshape(200, 4, 8, 8, 8).permute(0, 1, 3, 2, 4)
    assert (blocks.amax((-1, -2)) == blocks.amin(
        (-1, -2))).all()  # constant per patch
    assert float(1 - masks.mean()) == pytest.approx(0.7, abs=0.02)


def test_strong_augmentation_is_seeded_per_image_and_stays_an_image():
    images = torch.rand(4, 3, 32, 32)
    seeds = [torch.Generator().manual_seed(s) for s in range(4)]
    out = strong_augment(images, seeds, jitter_prob=1.0, blur_prob=1.0)
    again = strong_augment(
        images, [torch.Generator().manual_seed(s) for s in range(4)],
        jitter_prob=1.0,
        blur_prob=1.0)
    assert torch.equal(out, again)
    assert out.min() >= 0 and out.max() <= 1
    assert (out - images).abs().mean() > 0.01
    untouched = strong_augment(images, seeds, jitter_prob=0.0, blur_prob=0.0)
    assert torch.equal(untouched, images)

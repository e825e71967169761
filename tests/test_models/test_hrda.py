"""HRDA's segmentor and head: detail crops on the grid, the attention
masked to the box, the fused / detail losses with their weights and pixel
weights, sliding detail windows, batched vs sequential outer windows, any
single-scale head."""
import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config, ConfigDict
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample
from utils import TINY_SEGFORMER_CFG

from mmasm.models.decode_heads.hrda_head import DetailWindows, crop
from mmasm.models.segmentors.hrda_encoder_decoder import (random_crop_box,
                                                          sliding_boxes)
from mmasm.models.utils import pixel_weighted_losses
from mmasm.registry import MODELS

pytestmark = pytest.mark.usefixtures('one_torch_thread')
BN = dict(type='BN', requires_grad=True)
TINY_DAFORMER_HEAD = dict(
    type='DAFormerHead',
    in_channels=[8, 16],
    in_index=[0, 1],
    embed_dims=16,
    channels=16,
    dilations=(1, 2),
    num_classes=19,
    norm_cfg=BN,
    align_corners=False,
    loss_decode=dict(type='CrossEntropyLoss'))


def hrda_model_cfg(single_scale_head=None, **options) -> dict:
    """The tiny SegFormer of the tests as an HRDA segmentor: 32x32 detail
    crops of 64x64 inputs, context at 0.5."""
    cfg = Config.fromfile(str(TINY_SEGFORMER_CFG)).model.to_dict()
    if single_scale_head is None:
        single_scale_head = dict(cfg['decode_head'], norm_cfg=BN)
    cfg['data_preprocessor']['size'] = (64, 64)
    hrda = dict(
        type='HRDAEncoderDecoder',
        decode_head=dict(
            type='HRDAHead',
            single_scale_head=single_scale_head,
            attention_embed_dim=8,
            hr_loss_weight=0.1),
        hr_crop_size=(32, 32),
        crop_coord_divisible=8,
        test_cfg=dict(mode='slide', crop_size=(64, 64), stride=(32, 32)))
    return dict(cfg, **dict(hrda, **options))


def build_hrda(single_scale_head=None, seed=0, **options):
    torch.manual_seed(seed)
    model = MODELS.build(hrda_model_cfg(single_scale_head, **options))
    model.init_weights()
    model.test_cfg = ConfigDict(model.test_cfg)
    return model


def labelled(num, size=(64, 64), seed=0):
    gen = torch.Generator().manual_seed(seed)
    samples = []
    for _ in range(num):
        sample = SegDataSample(
            metainfo=dict(img_shape=size, ori_shape=size, pad_shape=size))
        sample.gt_sem_seg = PixelData(
            data=torch.randint(0, 19, (1, *size), generator=gen))
        samples.append(sample)
    return samples


def test_detail_crops_lie_on_the_grid_and_change_per_call():
    gen = torch.Generator().manual_seed(0)
    boxes = {
        random_crop_box(1024, 2048, (512, 512), 8, gen)
        for _ in range(50)
    }
    assert len(boxes) > 40
    for y1, y2, x1, x2 in boxes:
        assert y1 % 8 == 0 and x1 % 8 == 0
        assert (y2 - y1, x2 - x1) == (512, 512)
        assert 0 <= y1 and y2 <= 1024 and 0 <= x1 and x2 <= 2048
    assert random_crop_box(64, 64, (64, 64), 8, gen) == (0, 64, 0, 64)
    model = build_hrda()
    inputs = torch.randn(2, 3, 64, 64)
    drawn = [model.train_features(inputs)[1] for _ in range(6)]
    assert len(set(drawn)) > 1 and int(model.crop_draws) == 6
    model.crop_draws.zero_()  # the checkpointed count replays the draws
    assert [model.train_features(inputs)[1] for _ in range(6)] == drawn


def test_fusion_masks_the_attention_to_the_detail_box():
    model = build_hrda()
    head = model.decode_head
    inputs = torch.randn(2, 3, 64, 64)
    (context, detail), box = model.train_features(inputs)
    fused, lr_seg, hr_seg = head.forward([context, detail], box)
    assert fused.shape[-2:] == (16, 16) and hr_seg.shape[-2:] == (8, 8)
    att = head.scale_attention_map(context)
    up = dict(scale_factor=2, mode='bilinear', align_corners=False)
    y1, y2, x1, x2 = (v // 4 for v in box)
    outside = torch.ones(16, 16, dtype=torch.bool)
    outside[y1:y2, x1:x2] = False
    raw_lr = head.head(context)
    mask = torch.zeros(2, 1, 8, 8)
    mask[:, :, box[0] // 8:box[1] // 8, box[2] // 8:box[3] // 8] = 1
    masked = att * mask
    expected_lr = F.interpolate((1 - masked) * raw_lr, **up)
    pasted = torch.zeros_like(expected_lr)
    pasted[:, :, y1:y2, x1:x2] = hr_seg
    expected = F.interpolate(masked, **up) * pasted + expected_lr
    assert torch.allclose(fused, expected, atol=1e-6)
    # outside the box the detail logits do not reach the fused ones
    grad, = torch.autograd.grad(
        fused[..., outside].sum(), hr_seg, retain_graph=True)
    assert grad.abs().sum() == 0
    grad, = torch.autograd.grad(fused[..., ~outside].sum(), hr_seg)
    assert grad.abs().sum() > 0


def test_fused_and_detail_losses_with_their_weights_and_pixel_weights():
    model = build_hrda()
    head = model.decode_head
    samples = labelled(2)
    label = torch.stack([s.gt_sem_seg.data for s in samples])
    (context, detail), box = model.train_features(torch.randn(2, 3, 64, 64))
    fused, _, hr_seg = head.forward([context, detail], box)
    weight = torch.rand(2, 64, 64)
    with pixel_weighted_losses(model, weight):
        losses = head.loss_by_feat((fused, _, hr_seg), samples, box)

    def weighted_ce(logits, target, pixel_weight):
        logits = F.interpolate(
            logits,
            size=target.shape[-2:],
            mode='bilinear',
            align_corners=False)
        ce = F.cross_entropy(
            logits, target[:, 0], reduction='none', ignore_index=255)
        return (ce * pixel_weight).mean()  # avg_non_ignore=False

    assert torch.allclose(
        losses['loss_ce'], 0.9 * weighted_ce(fused, label, weight), atol=1e-6)
    assert torch.allclose(
        losses['hr.loss_ce'],
        0.1 * weighted_ce(hr_seg, crop(label, box), crop(weight, box)),
        atol=1e-6)
    assert not any(k.startswith('lr.') for k in losses)


def test_every_parameter_gets_a_gradient_from_the_training_forward():
    model = build_hrda(TINY_DAFORMER_HEAD)
    assert type(model.decode_head.scale_attention).__name__ == \
        'HRDAAttentionHead'
    losses = model(torch.randn(2, 3, 64, 64), labelled(2), mode='loss')
    assert set(losses) == {
        'decode.loss_ce', 'decode.acc_seg', 'decode.hr.loss_ce',
        'decode.hr.acc_seg'
    }
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    missing = [n for n, p in model.named_parameters() if p.grad is None]
    assert missing == []


def test_sliding_detail_windows_average_into_the_whole_image():
    model = build_hrda().eval()
    inputs = torch.randn(1, 3, 64, 96)
    with torch.no_grad():
        features = model._inference_features(inputs)
        windows = features[1]
        assert isinstance(windows, DetailWindows)
        assert windows.boxes == sliding_boxes(64, 96, (32, 32), (16, 16))
        detail = model.decode_head.decode_detail(windows, 1)
        # by hand: each window's logits pasted and averaged
        acc = torch.zeros(1, 19, 16, 24)
        count = torch.zeros(1, 1, 16, 24)
        for y1, y2, x1, x2 in windows.boxes:
            logits = model.decode_head.head(
                model.extract_feat(inputs[..., y1:y2, x1:x2]))
            acc[..., y1 // 4:y2 // 4, x1 // 4:x2 // 4] += logits
            count[..., y1 // 4:y2 // 4, x1 // 4:x2 // 4] += 1
        assert torch.allclose(detail, acc / count, atol=1e-5)
        out = model(inputs, None, mode='tensor')
    assert out.shape == (1, 19, 16, 24)


def test_batched_and_sequential_outer_windows_agree():
    model = build_hrda().eval()
    inputs = torch.randn(1, 3, 64, 128)
    metas = [
        dict(img_shape=(64, 128), ori_shape=(64, 128), pad_shape=(64, 128))
    ]
    with torch.no_grad():
        sequential = model.slide_inference(inputs, metas)
        model.test_cfg.batched_slide = True
        batched = model.slide_inference(inputs, metas)
    assert sequential.shape == (1, 19, 64, 128)
    assert torch.allclose(sequential, batched, atol=1e-5)


def test_bad_hrda_settings_are_clear_errors():
    with pytest.raises(ValueError, match='crop_coord_divisible'):
        build_hrda(crop_coord_divisible=4)
    cfg = hrda_model_cfg()
    cfg['auxiliary_head'] = dict(cfg['decode_head']['single_scale_head'])
    with pytest.raises(ValueError, match='auxiliary_head'):
        MODELS.build(cfg)
    with pytest.raises(ValueError, match='feature_scale'):
        build_hrda(feature_scale=0.25)

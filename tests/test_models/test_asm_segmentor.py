"""ASMEncoderDecoder: mmseg's EncoderDecoder plus ASM's consistency loss."""
import copy
import inspect

import pytest
import torch
import torch.nn.functional as F
from mmengine.config import ConfigDict
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.models.segmentors import EncoderDecoder
from mmseg.structures import SegDataSample

import mmasm  # noqa: F401
from mmasm.registry import MODELS

init_default_scope('mmasm')

NUM_CLASSES = 5
WEIGHT = 2e-4


def tiny_cfg(**kwargs):
    """A small DeepLab-v2: caffe ResNet-18 (8 base channels, frozen BN,
    output stride 8) + DeepLabV2Head on layer4 (64 channels)."""
    cfg = dict(
        type='ASMEncoderDecoder',
        data_preprocessor=dict(
            type='SegDataPreProcessor',
            mean=[104.008, 116.669, 122.679],
            std=[1.0, 1.0, 1.0],
            bgr_to_rgb=False,
            size=(32, 32),
            seg_pad_val=255),
        backbone=dict(
            type='ResNet',
            depth=18,
            stem_channels=8,
            base_channels=8,
            strides=(1, 2, 1, 1),
            dilations=(1, 1, 2, 4),
            style='caffe',
            norm_cfg=dict(type='BN', requires_grad=False),
            norm_eval=True),
        decode_head=dict(
            type='DeepLabV2Head',
            in_channels=64,
            in_index=3,
            num_classes=NUM_CLASSES),
        train_cfg=dict(),
        test_cfg=ConfigDict(mode='whole'))
    cfg.update(kwargs)
    return cfg


def build(seed=0, **kwargs):
    torch.manual_seed(seed)
    model = MODELS.build(tiny_cfg(**kwargs))
    model.init_weights()
    model.train()
    return model


def make_samples(content_ids, size=32, seed=0, labels=None):
    gen = torch.Generator().manual_seed(seed)
    samples = []
    for i, content in enumerate(content_ids):
        sample = SegDataSample()
        label = (
            labels[i] if labels is not None else torch.randint(
                0, NUM_CLASSES, (1, size, size), generator=gen))
        sample.gt_sem_seg = PixelData(data=label)
        meta = dict(
            img_path=f'img_{i}.png',
            img_shape=(size, size),
            ori_shape=(size, size),
            pad_shape=(size, size))
        if content is not None:
            meta['content_id'] = content
        sample.set_metainfo(meta)
        samples.append(sample)
    return samples


def images(n, size=32, seed=1):
    return torch.randn(
        n, 3, size, size, generator=torch.Generator().manual_seed(seed)) * 50


def test_without_content_groups_losses_equal_encoder_decoder():
    model = build()
    plain = MODELS.build(dict(tiny_cfg(), type='EncoderDecoder'))
    plain.load_state_dict(model.state_dict())
    plain.train()
    x = images(3)
    for ids in ([None, None, None], [0, 1, None]):
        losses = model.loss(x, make_samples(ids))
        expected = plain.loss(x, make_samples(ids))
        assert 'loss_consistency' not in losses
        assert losses.keys() == expected.keys()
        torch.testing.assert_close(losses['decode.loss_ce'],
                                   expected['decode.loss_ce'])


def test_paper_consistency_is_eq7_on_the_classifier_input():
    model = build()
    x = images(4)
    x[2] = x[0] + 5 * torch.randn_like(x[0])  # a "stylized" copy of image 0
    calls = []
    model.backbone.register_forward_hook(lambda *args: calls.append(1))
    losses = model.loss(x, make_samples([0, 1, 0, None]))
    assert len(calls) == 1  # no second forward pass for the features
    with torch.no_grad():
        z = model.extract_feat(x)[3].flatten(1)  # layer4 = head input
    # group {0, 2}: ||z - z_bar|| = ||z0 - z2|| / 2 for both members
    expected = WEIGHT * (z[0] - z[2]).norm() / 2
    torch.testing.assert_close(losses['loss_consistency'], expected)
    assert losses['loss_consistency'] > 0


def test_group_mean_runs_over_every_member():
    model = build(consistency_weight=1.0)
    x = images(3)
    losses = model.loss(x, make_samples(['a', 'a', 'a']))
    with torch.no_grad():
        z = model.extract_feat(x)[3].flatten(1)
    expected = (z - z.mean(0)).norm(dim=1).mean()
    torch.testing.assert_close(losses['loss_consistency'], expected)


def test_consistency_gradient_pulls_grouped_features_together():
    model = build(consistency_weight=1.0)
    x = images(2)
    samples = make_samples([0, 0])
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)
    before = model.loss(x, samples)['loss_consistency']
    before.backward()
    grads = [p.grad for p in model.backbone.parameters() if p.grad is not None]
    assert grads and any(g.abs().sum() > 0 for g in grads)
    # the classifier does not see the consistency loss
    assert all(c.weight.grad is None for c in model.decode_head.conv_seg.convs)
    optimizer.step()
    after = model.loss(x, samples)['loss_consistency']
    assert after < before


def test_identical_images_give_zero_loss_and_finite_gradients():
    model = build()
    x = images(1).repeat(2, 1, 1, 1)
    losses = model.loss(x, make_samples([7, 7]))
    assert losses['loss_consistency'] == 0
    sum(v for k, v in losses.items()
        if k.startswith(('loss', 'decode.loss'))).backward()
    assert all(
        torch.isfinite(p.grad).all() for p in model.parameters()
        if p.grad is not None)


def test_authors_consistency_is_their_layer4_conv_norms():
    model = build(consistency_mode='authors')
    x = images(2)
    losses = model.loss(x, make_samples([0, 0]))
    # the authors' code: MSE(n, 0), n = per-channel L2 norms of
    # (stylized - original) pre-BN conv outputs of layer4's blocks
    norms = []
    with torch.no_grad():
        feat = model.extract_feat(x)[2]
        for block in model.backbone.layer4:
            c1 = block.conv1(feat)
            c2 = block.conv2(F.relu(block.norm1(c1)))
            identity = feat if block.downsample is None else \
                block.downsample(feat)
            feat = F.relu(block.norm2(c2) + identity)
            norms += [(c[0] - c[1]).flatten(1).norm(dim=1) for c in (c1, c2)]
    expected = WEIGHT * F.mse_loss(
        torch.cat(norms), torch.zeros(sum(map(len, norms))))
    torch.testing.assert_close(losses['loss_consistency'], expected)


def test_authors_mode_needs_pairs_and_a_resnet():
    model = build(consistency_mode='authors')
    with pytest.raises(ValueError, match='pairs'):
        model.loss(images(3), make_samples([0, 0, 0]))
    mit = dict(
        type='MixVisionTransformer',
        in_channels=3,
        embed_dims=8,
        num_layers=[1, 1, 1, 1],
        num_heads=[1, 1, 1, 1])
    with pytest.raises(TypeError, match="'layer4'"):
        build(consistency_mode='authors', backbone=mit)
    with pytest.raises(ValueError, match='consistency_mode'):
        build(consistency_mode='pairs')


def test_zero_weight_turns_the_loss_off():
    model = build(consistency_weight=0)
    assert 'loss_consistency' not in model.loss(
        images(2), make_samples([0, 0]))


def test_out_of_range_labels_name_the_image():
    model = build()
    labels = [torch.zeros(1, 32, 32, dtype=torch.long) for _ in range(2)]
    labels[0][0, 0, :4] = 255  # ignore_index is fine
    labels[1][0, 5, 5] = NUM_CLASSES
    samples = make_samples([None, None], labels=labels)
    with pytest.raises(ValueError, match=r'img_1\.png: label values \[5\]'):
        model.loss(images(2), samples)
    labels[1][0, 5, 5] = 3
    model.loss(images(2), make_samples([None, None], labels=labels))
    # check_labels=False leaves it to the loss (which fails in its own way)
    labels[1][0, 5, 5] = NUM_CLASSES
    unchecked = build(check_labels=False)
    with pytest.raises(Exception) as error:
        unchecked.loss(images(2), make_samples([None, None], labels=labels))
    assert 'img_1.png' not in str(error.value)


def test_empty_batch_is_a_clear_error():
    model = build()
    with pytest.raises(ValueError, match='empty batch'):
        model.loss(torch.zeros(0, 3, 32, 32), [])
    with pytest.raises(ValueError, match='2 images but 1 data samples'):
        model.loss(images(2), make_samples([None]))


def test_accepts_every_encoder_decoder_argument_and_trains():
    names = set(inspect.signature(EncoderDecoder.__init__).parameters)
    names -= {'self'}
    cfg = tiny_cfg(
        neck=dict(
            type='FPN',
            in_channels=[8, 16, 32, 64],
            out_channels=16,
            num_outs=4),
        decode_head=dict(
            type='DeepLabV2Head',
            in_channels=16,
            in_index=3,
            num_classes=NUM_CLASSES),
        auxiliary_head=dict(
            type='FCNHead',
            in_channels=16,
            in_index=2,
            channels=8,
            num_convs=1,
            num_classes=NUM_CLASSES,
            loss_decode=dict(type='CrossEntropyLoss', loss_weight=0.4)),
        pretrained=None,
        init_cfg=None)
    assert names <= set(cfg) - {'type'}
    torch.manual_seed(0)
    model = MODELS.build(copy.deepcopy(cfg))
    model.init_weights()
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=1e-3))
    raw = [
        torch.randint(0, 256, (3, 32, 32), dtype=torch.uint8) for _ in range(2)
    ]
    batch = dict(inputs=raw, data_samples=make_samples([0, 0]))
    log_vars = model.train_step(batch, optim)
    assert {'loss_consistency', 'decode.loss_ce',
            'aux.loss_ce'} <= set(log_vars)
    assert log_vars['loss_consistency'] > 0
    model.eval()
    with torch.no_grad():
        results = model.test_step(
            dict(inputs=raw, data_samples=make_samples([0, 0])))
    assert results[0].pred_sem_seg.data.shape == (1, 32, 32)

"""DeepLabV2Head (ASPP-sum classifier) and the pre-classifier feature of
any mmseg decode head."""
import pytest
import torch
import torch.nn.functional as F
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.structures import SegDataSample

import mmasm  # noqa: F401
from mmasm.models.utils import capture_classifier_input, forward_with_features
from mmasm.registry import MODELS

init_default_scope('mmasm')


def build_head(**kwargs):
    cfg = dict(type='DeepLabV2Head', in_channels=8, in_index=0, num_classes=5)
    cfg.update(kwargs)
    head = MODELS.build(cfg)
    head.init_weights()
    return head


def samples_with_labels(labels):
    samples = []
    for label in labels:
        sample = SegDataSample()
        sample.gt_sem_seg = PixelData(data=label[None])
        samples.append(sample)
    return samples


def test_logits_are_the_sum_of_dilated_branches():
    torch.manual_seed(0)
    head = build_head()
    x = torch.randn(2, 8, 9, 11)
    expected = sum(
        F.conv2d(x, conv.weight, conv.bias, padding=d, dilation=d)
        for conv, d in zip(head.conv_seg.convs, (6, 12, 18, 24)))
    out = head((x, ))
    assert out.shape == (2, 5, 9, 11)
    torch.testing.assert_close(out, expected)
    assert head.dropout is None
    assert not any(
        isinstance(m, torch.nn.modules.batchnorm._BatchNorm)
        for m in head.modules())


def test_authors_weight_init_and_no_intermediate_layer():
    torch.manual_seed(0)
    head = build_head(in_channels=256, num_classes=19)
    weights = torch.cat([c.weight.flatten() for c in head.conv_seg.convs])
    assert abs(weights.std().item() - 0.01) < 5e-4
    assert all((c.bias == 0).all() for c in head.conv_seg.convs)
    # only the four classifier convs carry parameters
    assert sum(p.numel() for p in head.parameters()) == 4 * (256 * 19 * 9 + 19)


def test_loss_uses_base_decode_head_machinery():
    torch.manual_seed(0)
    head = build_head(
        align_corners=True,
        loss_decode=dict(type='CrossEntropyLoss', avg_non_ignore=True))
    x = torch.randn(2, 8, 4, 4)
    labels = torch.randint(0, 5, (2, 16, 16))
    labels[0, :8] = 255  # ignored pixels
    losses = head.loss((x, ), samples_with_labels(labels), {})
    logits = F.interpolate(
        head((x, )), (16, 16), mode='bilinear', align_corners=True)
    expected = F.cross_entropy(logits, labels, ignore_index=255)
    torch.testing.assert_close(losses['loss_ce'], expected)
    losses['loss_ce'].backward()
    assert all(c.weight.grad.abs().sum() > 0 for c in head.conv_seg.convs)


def test_wrong_channels_is_a_clear_error():
    with pytest.raises(ValueError, match='channels must equal'):
        build_head(channels=512)
    with pytest.raises(ValueError, match='one feature map'):
        build_head(
            in_channels=[4, 4],
            in_index=[0, 1],
            input_transform='multiple_select')


def test_resize_concat_inputs_are_classified_together():
    head = build_head(
        in_channels=[3, 5], in_index=[0, 1], input_transform='resize_concat')
    logits, feature = forward_with_features(
        head, (torch.randn(1, 3, 6, 6), torch.randn(1, 5, 3, 3)))
    assert feature.shape == (1, 8, 6, 6)
    assert logits.shape == (1, 5, 6, 6)


def test_deeplabv2_feature_is_the_head_input():
    head = build_head(in_index=1)
    inputs = (torch.randn(1, 3, 4, 4), torch.randn(1, 8, 5, 5))
    logits, feature = forward_with_features(head, inputs)
    assert feature is inputs[1]
    torch.testing.assert_close(logits, head(inputs))


def test_segformer_feature_is_the_fused_map_before_dropout():
    torch.manual_seed(0)
    head = MODELS.build(
        dict(
            type='SegformerHead',
            in_channels=[4, 6],
            in_index=[0, 1],
            channels=7,
            num_classes=3,
            dropout_ratio=0.5,
            norm_cfg=dict(type='BN')))
    head.train()
    inputs = (torch.randn(2, 4, 8, 8), torch.randn(2, 6, 4, 4))
    logits, feature = forward_with_features(head, inputs)
    assert feature.shape == (2, 7, 8, 8)
    # the fused map of SegformerHead, before dropout and conv_seg
    head.eval()
    fused = head.fusion_conv(
        torch.cat([
            F.interpolate(conv(x), (8, 8), mode='bilinear')
            for conv, x in zip(head.convs, inputs)
        ],
                  dim=1))
    _, eval_feature = forward_with_features(head, inputs)
    torch.testing.assert_close(eval_feature, fused)
    torch.testing.assert_close(head.cls_seg(eval_feature), head(inputs))
    # the capture leaves the head's own cls_seg in place
    assert 'cls_seg' not in head.__dict__


def test_feature_of_heads_with_overridden_forward():
    # DepthwiseSeparableASPPHead inherits ASPPHead._forward_feature but adds
    # a decoder after it: the captured feature is what cls_seg really gets
    torch.manual_seed(0)
    head = MODELS.build(
        dict(
            type='DepthwiseSeparableASPPHead',
            in_channels=8,
            in_index=1,
            channels=6,
            c1_in_channels=4,
            c1_channels=2,
            dilations=(1, 2),
            num_classes=3,
            dropout_ratio=0))
    head.eval()
    inputs = (torch.randn(1, 4, 8, 8), torch.randn(1, 8, 4, 4))
    logits, feature = forward_with_features(head, inputs)
    assert feature.shape == (1, 6, 8, 8)
    assert head._forward_feature(inputs).shape[-1] == 4
    torch.testing.assert_close(head.conv_seg(feature), logits)


class TwoClassifierHead(BaseDecodeHead):

    def forward(self, inputs):
        x = self._transform_inputs(inputs)
        return self.cls_seg(x) + self.cls_seg(x)


class NoClassifierHead(BaseDecodeHead):

    def forward(self, inputs):
        return self.conv_seg(self._transform_inputs(inputs))


@pytest.mark.parametrize('head_type, message', [
    (TwoClassifierHead, 'called self.cls_seg 2 times'),
    (NoClassifierHead, 'never called self.cls_seg'),
])
def test_ambiguous_heads_are_a_clear_error(head_type, message):
    head = head_type(in_channels=4, channels=4, num_classes=3)
    with pytest.raises(RuntimeError, match=message):
        forward_with_features(head, (torch.randn(1, 4, 3, 3), ))


def test_nested_captures_restore_each_other():
    head = build_head()
    inputs = (torch.randn(1, 8, 3, 3), )
    with capture_classifier_input(head) as outer:
        with capture_classifier_input(head) as inner:
            head(inputs)
        head(inputs)
    assert len(inner.calls) == 1 and len(outer.calls) == 2
    assert 'cls_seg' not in head.__dict__

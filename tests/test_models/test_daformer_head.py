"""DAFormerHead: output shape, gradients, the paper's decoder size."""
import pytest
import torch

from mmasm.models.decode_heads import DAFormerHead

pytestmark = pytest.mark.usefixtures('one_torch_thread')


def test_daformer_head_fuses_all_levels_at_the_first_resolution():
    torch.manual_seed(0)
    head = DAFormerHead(
        in_channels=[8, 16, 24, 32],
        in_index=[0, 1, 2, 3],
        embed_dims=16,
        channels=16,
        num_classes=5,
        norm_cfg=dict(type='BN'),
        dropout_ratio=0.1)
    features = [
        torch.randn(2, c, 16 // s, 16 // s, requires_grad=True)
        for c, s in zip([8, 16, 24, 32], [1, 2, 4, 8])
    ]
    logits = head(features)
    assert logits.shape == (2, 5, 16, 16)
    logits.square().mean().backward()
    assert all(f.grad is not None and f.grad.abs().sum() > 0 for f in features)
    assert all(p.grad is not None for p in head.parameters()
               if p.requires_grad)
    # depthwise-separable branches for dilations 6 / 12 / 18, a 1x1 one for 1
    assert [type(m).__name__ for m in head.fusion] == [
        'ConvModule', 'DepthwiseSeparableConvModule',
        'DepthwiseSeparableConvModule', 'DepthwiseSeparableConvModule'
    ]


def test_daformer_head_has_the_papers_size_on_mit_b5():
    head = DAFormerHead(
        in_channels=[64, 128, 320, 512],
        in_index=[0, 1, 2, 3],
        channels=256,
        num_classes=19,
        norm_cfg=dict(type='BN'))
    # DAFormer, Table 7: 3.7 M decoder parameters
    assert sum(p.numel() for p in head.parameters()) / 1e6 == pytest.approx(
        3.7, abs=0.05)

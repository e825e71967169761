"""DAFormer's decode head: the authors' forward (their
``DAFormerHead.forward``, ``ASPPWrapper`` and SegFormer ``MLP``, cut out
of their files) on weights converted to mmasm's ``DAFormerHead``, against
mmasm's forward."""
from pathlib import Path

import torch
import torch.nn as nn

from tools.benchmarks.side_by_side.st_authors_import import _exec

HEAD_FILE = 'mmseg/models/decode_heads/daformer_head.py'
MLP_FILE = 'mmseg/models/decode_heads/segformer_head.py'


def authors_head(daformer_root,
                 in_channels,
                 embed_dims,
                 channels,
                 num_classes,
                 dilations=(1, 6, 12, 18)):
    """The authors' DAFormer head (``embed_cfg=mlp``, ``fusion_cfg=aspp``
    with ``sep=True``, ``pool=False``: their ``daformer_sepaspp``) as a
    module with their ``forward``."""
    from mmcv.cnn import ConvModule
    from mmseg.models.decode_heads.aspp_head import ASPPModule
    from mmseg.models.decode_heads.sep_aspp_head import \
        DepthwiseSeparableASPPModule
    from mmseg.models.utils import resize
    root = Path(daformer_root)
    ns = dict(
        nn=nn,
        torch=torch,
        ConvModule=ConvModule,
        resize=resize,
        ASPPModule=ASPPModule,
        DepthwiseSeparableASPPModule=DepthwiseSeparableASPPModule)
    mlp = _exec(root / MLP_FILE, ['MLP'], ns)['MLP']
    parts = _exec(root / HEAD_FILE, ['ASPPWrapper', 'DAFormerHead.forward'],
                  ns)
    norm = dict(type='BN', requires_grad=True)

    class AuthorsDAFormerHead(nn.Module):
        forward = parts['DAFormerHead.forward']

        def __init__(self):
            super().__init__()
            self.in_index = list(range(len(in_channels)))
            self.align_corners = False
            self.embed_layers = nn.ModuleDict({
                str(i): mlp(c, embed_dims)
                for i, c in enumerate(in_channels)
            })
            self.fuse_layer = parts['ASPPWrapper'](
                embed_dims * len(in_channels),
                channels,
                sep=True,
                dilations=dilations,
                pool=False,
                norm_cfg=norm,
                act_cfg=dict(type='ReLU'),
                align_corners=False)
            self.dropout = nn.Dropout2d(0.1)
            self.conv_seg = nn.Conv2d(channels, num_classes, 1)

        def cls_seg(self, x):  # mmseg 0.x BaseDecodeHead.cls_seg
            return self.conv_seg(self.dropout(x))

    return AuthorsDAFormerHead()


def authors_to_mmasm_head(state):
    """The authors' DAFormer head state dict -> mmasm's ``DAFormerHead``
    keys (linear embeddings become 1x1 convolutions)."""
    out = {}
    for key, value in state.items():
        if key.startswith('embed_layers.'):
            _, level, _, param = key.split('.')
            out[f'embed_layers.{level}.{param}'] = (
                value[:, :, None, None] if param == 'weight' else value)
        elif key.startswith('fuse_layer.aspp_modules.'):
            out['fusion.' + key[len('fuse_layer.aspp_modules.'):]] = value
        elif key.startswith('fuse_layer.bottleneck.'):
            out['bottleneck.' + key[len('fuse_layer.bottleneck.'):]] = value
        else:
            out[key] = value
    return out


def daformer_head_check(daformer_root):
    """Largest logit difference of the two heads in eval mode (and in
    train mode, dropout off, BN on batch statistics)."""
    from mmasm.models.decode_heads import DAFormerHead
    in_channels, embed, channels = [8, 16, 24, 32], 16, 16
    torch.manual_seed(0)
    theirs = authors_head(daformer_root, in_channels, embed, channels, 19)
    for m in theirs.modules():  # BN statistics other than 0 / 1
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
    ours = DAFormerHead(
        in_channels=in_channels,
        in_index=[0, 1, 2, 3],
        embed_dims=embed,
        channels=channels,
        num_classes=19,
        norm_cfg=dict(type='BN', requires_grad=True),
        dropout_ratio=0.1)
    missing = ours.load_state_dict(
        authors_to_mmasm_head(theirs.state_dict()), strict=True)
    assert not missing.missing_keys and not missing.unexpected_keys
    feats = [
        torch.randn(2, c, 32 // s, 32 // s)
        for c, s in zip(in_channels, [1, 2, 4, 8])
    ]
    diffs = []
    for train in (False, True):
        theirs.train(train)
        ours.train(train)
        theirs.dropout.eval()
        ours.dropout.eval()
        with torch.no_grad():
            diffs.append(float((theirs(feats) - ours(feats)).abs().max()))
    return {
        'DAFormer head logits, converted weights (eval)': [diffs[0]],
        'DAFormer head logits, converted weights (train BN)': [diffs[1]]
    }

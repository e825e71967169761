"""DAFormer's decoder (Hoyer et al., CVPR 2022, section 3.2, Fig. 3)."""
from typing import List, Sequence

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.models.decode_heads.sep_aspp_head import \
    DepthwiseSeparableASPPModule
from mmseg.models.utils import resize

from mmasm.registry import MODELS


@MODELS.register_module()
class DAFormerHead(BaseDecodeHead):
    """Context-aware feature fusion: each encoder level is embedded to
    ``embed_dims`` channels by a linear layer (a 1x1 convolution, no norm, no
    activation: the authors' ``mlp`` embedding), upsampled to the first
    level's resolution, concatenated and fused by depthwise-separable ASPP
    (a 1x1 branch for dilation 1, depthwise-separable 3x3 convolutions for
    the others; no image pooling) whose branches a 3x3 ConvModule reduces to
    ``channels`` before the classifier. DAFormer: ``embed_dims=256``,
    ``channels=256``, dilations 1/6/12/18, BN + ReLU, dropout 0.1.

    Args:
        embed_dims: channels of each level's embedding.
        dilations: dilations of the fusion ASPP's branches.
        **kwargs: :class:`BaseDecodeHead`'s (``in_channels`` and ``in_index``
            lists, ``channels``, ``num_classes``, ``norm_cfg``, losses, ...).
    """

    def __init__(self,
                 embed_dims: int = 256,
                 dilations: Sequence[int] = (1, 6, 12, 18),
                 **kwargs):
        super().__init__(input_transform='multiple_select', **kwargs)
        self.embed_layers = nn.ModuleList([
            nn.Conv2d(channels, embed_dims, kernel_size=1)
            for channels in self.in_channels
        ])
        self.fusion = DepthwiseSeparableASPPModule(
            dilations=tuple(dilations),
            in_channels=embed_dims * len(self.in_channels),
            channels=self.channels,
            conv_cfg=self.conv_cfg,
            norm_cfg=self.norm_cfg,
            act_cfg=self.act_cfg)
        self.bottleneck = ConvModule(
            len(dilations) * self.channels,
            self.channels,
            3,
            padding=1,
            conv_cfg=self.conv_cfg,
            norm_cfg=self.norm_cfg,
            act_cfg=self.act_cfg)

    def _embed(self, inputs: List[torch.Tensor]) -> torch.Tensor:
        size = inputs[0].shape[2:]
        embedded = [
            resize(
                embed(x),
                size=size,
                mode='bilinear',
                align_corners=self.align_corners)
            for embed, x in zip(self.embed_layers, inputs)
        ]
        return torch.cat(embedded, dim=1)

    def forward(self, inputs: List[torch.Tensor]) -> torch.Tensor:
        x = self._embed(self._transform_inputs(inputs))
        fused = self.bottleneck(torch.cat(self.fusion(x), dim=1))
        return self.cls_seg(fused)

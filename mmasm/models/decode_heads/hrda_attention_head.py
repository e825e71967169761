"""HRDA's scale-attention decoder (Hoyer et al., ECCV 2022, section 3.2)."""
import torch
from mmcv.cnn import ConvModule

from mmasm.registry import MODELS
from .daformer_head import DAFormerHead


@MODELS.register_module()
class HRDAAttentionHead(DAFormerHead):
    """The scale attention ``A`` of HRDA when the single-scale head is
    DAFormer's: DAFormer's decoder with the depthwise-separable ASPP fusion
    replaced by one 1x1 ConvModule (BN + ReLU), as the authors' ``conv``
    fusion (DAFormer's Tab. 7 "conv1"). HRDA: ``embed_dims = channels =
    256``; its logits (one channel per class, or one for all) go through a
    sigmoid in :class:`HRDAHead`.

    Args:
        embed_dims: channels of each level's embedding.
        **kwargs: :class:`DAFormerHead`'s (without ``dilations``).
    """

    def __init__(self, embed_dims: int = 256, **kwargs):
        kwargs.pop('dilations', None)
        super().__init__(embed_dims=embed_dims, dilations=(1, ), **kwargs)
        del self.fusion, self.bottleneck
        self.fuse_layer = ConvModule(
            embed_dims * len(self.in_channels),
            self.channels,
            1,
            conv_cfg=self.conv_cfg,
            norm_cfg=self.norm_cfg,
            act_cfg=self.act_cfg)

    def forward(self, inputs) -> torch.Tensor:
        x = self._embed(self._transform_inputs(inputs))
        return self.cls_seg(self.fuse_layer(x))

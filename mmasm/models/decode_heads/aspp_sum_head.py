"""The DeepLab-v2 classifier: an ASPP whose branches predict class scores."""
from typing import Sequence

import torch
import torch.nn as nn
from mmseg.models.decode_heads.decode_head import BaseDecodeHead

from mmasm.registry import MODELS


class ASPPSumClassifier(nn.Module):
    """Parallel dilated 3x3 convolutions ``in_channels -> num_classes`` whose
    outputs are summed (DeepLab-v2's ``Classifier_Module``, "ASPP-L")."""

    def __init__(self,
                 in_channels: int,
                 num_classes: int,
                 dilations: Sequence[int] = (6, 12, 18, 24)):
        super().__init__()
        if not dilations:
            raise ValueError('ASPPSumClassifier needs at least one dilation')
        self.convs = nn.ModuleList(
            nn.Conv2d(in_channels, num_classes, 3, padding=d, dilation=d)
            for d in dilations)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return sum(conv(x) for conv in self.convs)


@MODELS.register_module()
class DeepLabV2Head(BaseDecodeHead):
    """DeepLab-v2 head (Chen et al., TPAMI 2017) as used by ASM (section 4).

    The classifier works on the backbone features directly: 3x3 convs with
    dilations 6/12/18/24 from ``in_channels`` to ``num_classes``, summed;
    no BN, no dropout, weights ~ N(0, 0.01) as in the authors' code (biases
    start at 0 here, PyTorch's default uniform init there). The ASPP
    classifier takes the place of ``conv_seg``, so ``cls_seg`` and all of
    ``BaseDecodeHead`` (losses, ``ignore_index``, ``sampler``,
    ``align_corners``) work unchanged.

    The paper's "second-last layer" feature z (Eq. 7) is this head's input
    (the backbone's layer4 output): :meth:`_forward_feature` returns it.

    Args:
        in_channels: backbone channels (2048 for ResNet-101).
        dilations: one summed branch per dilation.
        channels: must equal ``in_channels`` if given (there is no
            intermediate layer); kept for configs written for other heads.
        **kwargs: the rest of :class:`BaseDecodeHead`'s arguments;
            ``dropout_ratio`` defaults to 0.
    """

    def __init__(self,
                 in_channels,
                 dilations: Sequence[int] = (6, 12, 18, 24),
                 channels=None,
                 dropout_ratio: float = 0.0,
                 **kwargs):
        input_transform = kwargs.get('input_transform')
        if input_transform == 'multiple_select':
            raise ValueError('DeepLabV2Head needs one feature map: use '
                             "input_transform=None or 'resize_concat'")
        feat_channels = (
            sum(in_channels)
            if input_transform == 'resize_concat' else in_channels)
        if channels is not None and channels != feat_channels:
            raise ValueError(
                f'DeepLabV2Head classifies its input features directly, so '
                f'channels must equal the input channels {feat_channels} '
                f'(or be left out), got channels={channels}')
        kwargs.setdefault(
            'init_cfg',
            dict(type='Normal', std=0.01, override=dict(name='conv_seg')))
        super().__init__(
            in_channels, feat_channels, dropout_ratio=dropout_ratio, **kwargs)
        self.dilations = tuple(dilations)
        self.conv_seg = ASPPSumClassifier(feat_channels, self.out_channels,
                                          self.dilations)

    def _forward_feature(self, inputs):
        """The feature before the classifier: the selected backbone map."""
        return self._transform_inputs(inputs)

    def forward(self, inputs):
        return self.cls_seg(self._forward_feature(inputs))

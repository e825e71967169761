"""The semantic conditioning network of ASH and its smoothed input."""
from typing import Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

CONDITIONING_INPUTS = ('softmax', 'one_hot')


def smoothed_class_map(logits_or_probs: torch.Tensor,
                       smoothing: float = 0.1,
                       kind: str = 'softmax',
                       are_logits: bool = True) -> torch.Tensor:
    """The conditioning input of ASH: the segmentor's class map with label
    smoothing, ``(1 - s) * p + s / C``.

    Args:
        logits_or_probs: ``(N, C, H, W)`` segmentor logits (or
            probabilities with ``are_logits=False``).
        smoothing: ``s``, 0.1 in the authors' code.
        kind: ``'softmax'``: the class probabilities; ``'one_hot'``: the
            one-hot argmax prediction, as label smoothing is usually applied.
    """
    if kind not in CONDITIONING_INPUTS:
        raise ValueError(
            f'kind must be one of {CONDITIONING_INPUTS}, got {kind!r}')
    if not 0.0 <= smoothing < 1.0:
        raise ValueError(f'label smoothing must be in [0, 1), got {smoothing}')
    num_classes = logits_or_probs.shape[1]
    if kind == 'one_hot':
        index = logits_or_probs.argmax(1)
        probs = F.one_hot(index,
                          num_classes).permute(0, 3, 1,
                                               2).to(logits_or_probs.dtype)
    else:
        probs = logits_or_probs.softmax(1) if are_logits else logits_or_probs
    return probs * (1.0 - smoothing) + smoothing / num_classes


def _head(in_channels: int, hidden: int, out_channels: int,
          slope: float) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(in_channels, hidden, 1), nn.LeakyReLU(slope, inplace=True),
        nn.Conv2d(hidden, out_channels, 1))


class SemanticConditioningNet(nn.Module):
    """Predicts the per-pixel style scale ``gamma`` and shift ``beta`` of ASH
    (Tjio et al., "Adversarial Semantic Hallucination for Domain Generalized
    Semantic Segmentation", 2021) from the segmentor's class map.

    Layers (authors' code): conv 4x4 stride 4 ``C -> 128``, LeakyReLU(0.1),
    InstanceNorm; 1x1 ``128 -> 256``, LeakyReLU; 1x1 ``256 -> 256``,
    LeakyReLU, InstanceNorm; two heads (scale, shift), each 1x1
    ``256 -> 512``, LeakyReLU, 1x1 ``512 -> 512``. The maps come out at a
    quarter of the input resolution; :meth:`forward` resizes them
    (bilinearly) to the style feature map.

    Args:
        num_classes: ``C``, the segmentor's class count.
        style_channels: channels of the style features (512 at relu4_1).
        channels: hidden widths of the trunk (128, 256).
        negative_slope: of the LeakyReLUs (0.1).
    """

    def __init__(self,
                 num_classes: int,
                 style_channels: int = 512,
                 channels: Tuple[int, int] = (128, 256),
                 negative_slope: float = 0.1):
        super().__init__()
        if num_classes < 1:
            raise ValueError(f'num_classes must be >= 1, got {num_classes}')
        self.num_classes = num_classes
        slope = negative_slope
        self.trunk = nn.Sequential(
            nn.Conv2d(num_classes, channels[0], 4, stride=4),
            nn.LeakyReLU(slope, inplace=True), nn.InstanceNorm2d(channels[0]),
            nn.Conv2d(channels[0], channels[1], 1),
            nn.LeakyReLU(slope, inplace=True),
            nn.Conv2d(channels[1], channels[1], 1),
            nn.LeakyReLU(slope, inplace=True), nn.InstanceNorm2d(channels[1]))
        self.scale_head = _head(channels[1], style_channels, style_channels,
                                slope)
        self.shift_head = _head(channels[1], style_channels, style_channels,
                                slope)

    def forward(self, class_map: torch.Tensor,
                size: Tuple[int, int]) -> Tuple[torch.Tensor, torch.Tensor]:
        """``(gamma, beta)``, each ``(N, style_channels, *size)``, from a
        smoothed class map ``(N, C, H, W)`` (H, W >= 8)."""
        if class_map.dim() != 4 or class_map.shape[1] != self.num_classes:
            raise ValueError(
                f'the conditioning net expects a (N, {self.num_classes}, H, W) '
                f'class map, got {tuple(class_map.shape)}')
        if min(class_map.shape[-2:]) < 8:
            raise ValueError(
                f'the class map must be at least 8x8 (InstanceNorm after a '
                f'stride-4 conv), got {tuple(class_map.shape[-2:])}')
        feat = self.trunk(class_map)
        gamma, beta = self.scale_head(feat), self.shift_head(feat)
        resize = dict(size=tuple(size), mode='bilinear', align_corners=False)
        return F.interpolate(gamma, **resize), F.interpolate(beta, **resize)

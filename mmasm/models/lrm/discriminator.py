"""LRM's patch discriminator (LSGAN)."""
from typing import Sequence

import torch
import torch.nn as nn
from torch.nn.utils.parametrizations import spectral_norm

from mmasm.registry import MODELS


@MODELS.register_module()
class LRMPatchDiscriminator(nn.Sequential):
    """Five spectral-norm 4x4 stride-2 convs, 3->64->128->256->512->1, each
    followed by LeakyReLU(0.2): an image ``(N, 3, H, W)`` -> one LSGAN score
    per patch ``(N, 1, H/32, W/32)``.

    Args:
        channels: input channels then the output channels of each conv.
        final_activation: the authors' code also puts a LeakyReLU after the
            last conv (True, default); False gives a plain linear score.
    """

    def __init__(self,
                 channels: Sequence[int] = (3, 64, 128, 256, 512, 1),
                 final_activation: bool = True):
        layers = []
        for index, (cin, cout) in enumerate(zip(channels, channels[1:])):
            layers.append(spectral_norm(nn.Conv2d(cin, cout, 4, 2, 1)))
            if index < len(channels) - 2 or final_activation:
                layers.append(nn.LeakyReLU(0.2, inplace=True))
        super().__init__(*layers)
        self.num_downsamplings = len(channels) - 1

    @property
    def min_size(self) -> int:
        """Smallest input side that leaves at least one output patch."""
        return 2**self.num_downsamplings

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        if min(images.shape[-2:]) < self.min_size:
            raise ValueError(
                f'LRMPatchDiscriminator: images of {tuple(images.shape[-2:])}'
                f' pixels are too small; {self.num_downsamplings} stride-2 '
                f'convs need at least {self.min_size}x{self.min_size}')
        return super().forward(images)

"""The output-space discriminator of AdaptSegNet, used by ASH."""
import torch
import torch.nn as nn

from mmasm.registry import MODELS


@MODELS.register_module()
class OutputSpaceDiscriminator(nn.Module):
    """A fully convolutional discriminator on segmentation outputs.

    Tsai et al. (AdaptSegNet, CVPR 2018) and ASH (Tjio et al., 2021) apply it
    to the segmentor's class probabilities (softmax): five 4x4 stride-2
    convolutions ``C -> 64 -> 128 -> 256 -> 512 -> 1`` with LeakyReLU(0.2)
    between them. The output is a map of logits, one per receptive field, of
    the input coming from the *stylized* domain (ASH labels source 0,
    stylized 1); train it with ``binary_cross_entropy_with_logits``.

    Args:
        num_classes: input channels ``C``, the segmentor's class count.
        base_channels: channels of the first conv (64); each later conv
            doubles them, up to the last hidden layer.
        num_convs: number of convolutions including the 1-channel output.
        negative_slope: of the LeakyReLUs.
    """

    def __init__(self,
                 num_classes: int,
                 base_channels: int = 64,
                 num_convs: int = 5,
                 negative_slope: float = 0.2):
        super().__init__()
        if num_classes < 1 or num_convs < 2:
            raise ValueError(
                f'OutputSpaceDiscriminator needs num_classes >= 1 '
                f'and num_convs >= 2, got {num_classes}, {num_convs}')
        self.num_classes = num_classes
        channels = [num_classes
                    ] + [base_channels * 2**i for i in range(num_convs - 1)]
        layers = []
        for cin, cout in zip(channels[:-1], channels[1:]):
            layers += [
                nn.Conv2d(cin, cout, 4, stride=2, padding=1),
                nn.LeakyReLU(negative_slope, inplace=True)
            ]
        layers.append(nn.Conv2d(channels[-1], 1, 4, stride=2, padding=1))
        self.layers = nn.Sequential(*layers)

    def forward(self, probs: torch.Tensor) -> torch.Tensor:
        """Logits ``(N, 1, h, w)`` that ``probs`` ``(N, C, H, W)`` come from
        the stylized domain."""
        if probs.dim() != 4 or probs.shape[1] != self.num_classes:
            raise ValueError(f'OutputSpaceDiscriminator expects (N, '
                             f'{self.num_classes}, H, W) class probabilities, '
                             f'got {tuple(probs.shape)}')
        return self.layers(probs)

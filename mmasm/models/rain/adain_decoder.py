"""The AdaIN decoder: the mirror of the VGG encoder from relu4_1 back to RGB."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from .vgg_encoder import he_init, reflect_conv

#: Layer names in forward order with (in_channels, out_channels); ``'up'``
#: marks a nearest-neighbour x2 upsampling.
DECODER_LAYERS = (
    ('conv4_1', 512, 256), 'up',
    ('conv3_4', 256, 256), ('conv3_3', 256, 256), ('conv3_2', 256, 256),
    ('conv3_1', 256, 128), 'up',
    ('conv2_2', 128, 128), ('conv2_1', 128, 64), 'up',
    ('conv1_2', 64, 64), ('conv1_1', 64, 3),
)


class AdaINDecoder(nn.Module):
    """Maps relu4_1 features back to an image: the paper's decoder ``D``.

    3x3 reflection-padded convolutions with ReLU (none after the last),
    nearest x2 upsampling, output not clamped (RGB, nominally in [0, 1]).
    """

    def __init__(self):
        super().__init__()
        for layer in DECODER_LAYERS:
            if layer != 'up':
                name, cin, cout = layer
                self.add_module(name, nn.Conv2d(cin, cout, 3))
        he_init(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        last = DECODER_LAYERS[-1][0]
        for layer in DECODER_LAYERS:
            if layer == 'up':
                x = F.interpolate(x, scale_factor=2, mode='nearest')
                continue
            x = reflect_conv(getattr(self, layer[0]), x)
            if layer[0] != last:
                x = F.relu(x)
        return x

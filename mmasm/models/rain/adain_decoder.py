"""The AdaIN decoder: the mirror of the VGG encoder from its tap (relu4_1 by
default) back to RGB."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from .vgg_encoder import he_init, reflect_conv, tap_conv

#: Layer names in forward order with (in_channels, out_channels); ``'up'``
#: marks a nearest-neighbour x2 upsampling.
DECODER_LAYERS = (
    ('conv4_1', 512, 256),
    'up',
    ('conv3_4', 256, 256),
    ('conv3_3', 256, 256),
    ('conv3_2', 256, 256),
    ('conv3_1', 256, 128),
    'up',
    ('conv2_2', 128, 128),
    ('conv2_1', 128, 64),
    'up',
    ('conv1_2', 64, 64),
    ('conv1_1', 64, 3),
)


def decoder_layers(tap: str = 'relu4_1') -> tuple:
    """:data:`DECODER_LAYERS` from the mirror of the encoder's ``tap`` on
    (``'relu2_1'``: conv2_1, up, conv1_2, conv1_1)."""
    conv = tap_conv(tap)
    start = next(i for i, layer in enumerate(DECODER_LAYERS)
                 if layer != 'up' and layer[0] == conv)
    return DECODER_LAYERS[start:]


class AdaINDecoder(nn.Module):
    """Maps features at the encoder's ``tap`` (relu4_1 by default) back to
    an image: the paper's decoder ``D``.

    3x3 reflection-padded convolutions with ReLU (none after the last),
    nearest x2 upsampling, output not clamped (RGB, nominally in [0, 1]).
    """

    def __init__(self, tap: str = 'relu4_1'):
        super().__init__()
        self.layers = decoder_layers(tap)
        for layer in self.layers:
            if layer != 'up':
                name, cin, cout = layer
                self.add_module(name, nn.Conv2d(cin, cout, 3))
        he_init(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        last = self.layers[-1][0]
        for layer in self.layers:
            if layer == 'up':
                x = F.interpolate(x, scale_factor=2, mode='nearest')
                continue
            x = reflect_conv(getattr(self, layer[0]), x)
            if layer[0] != last:
                x = F.relu(x)
        return x

"""The normalised VGG-19 encoder of AdaIN, truncated at relu4_1 (the
paper's tap) or at a shallower ReLU (``encoder_tap``)."""
from typing import List

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmasm.utils.image_io import MIN_IMAGE_SIZE

#: Layer names in forward order, with (in_channels, out_channels); ``'pool'``
#: marks a 2x2 ceil-mode max-pool. ``conv0`` is the 1x1 conv that maps RGB in
#: [0, 1] to the caffe input the original VGG weights expect.
VGG_LAYERS = (
    ('conv1_1', 3, 64),
    ('conv1_2', 64, 64),
    'pool',
    ('conv2_1', 64, 128),
    ('conv2_2', 128, 128),
    'pool',
    ('conv3_1', 128, 256),
    ('conv3_2', 256, 256),
    ('conv3_3', 256, 256),
    ('conv3_4', 256, 256),
    'pool',
    ('conv4_1', 256, 512),
)

#: Layers whose ReLU outputs the style loss reads (relu1_1 ... relu4_1).
STYLE_TAPS = ('conv1_1', 'conv2_1', 'conv3_1', 'conv4_1')

#: Where RAIN's encoder may end: relu4_1 (the paper's, default) or a
#: shallower tap with a larger feature map for small images (relu2_1 keeps
#: 16x16 maps of a 32x32 digit, relu4_1 4x4).
ENCODER_TAPS = ('relu2_1', 'relu3_1', 'relu4_1')


def tap_conv(tap: str) -> str:
    """The convolution whose ReLU is ``tap`` (``'relu3_1'`` -> ``'conv3_1'``),
    checking that RAIN offers the tap."""
    if tap not in ENCODER_TAPS:
        raise ValueError(
            f'encoder_tap must be one of {ENCODER_TAPS}, got {tap!r}')
    return 'conv' + tap[len('relu'):]


def encoder_layers(tap: str = 'relu4_1') -> tuple:
    """:data:`VGG_LAYERS` up to and including the conv of ``tap``."""
    conv = tap_conv(tap)
    end = next(i for i, layer in enumerate(VGG_LAYERS)
               if layer != 'pool' and layer[0] == conv)
    return VGG_LAYERS[:end + 1]


#: The caffe VGG input: BGR in [0, 255] minus the ImageNet BGR mean.
CAFFE_BGR_MEAN = (103.939, 116.779, 123.68)


def he_init(module: nn.Module) -> None:
    """He-normal weights and zero biases for every conv: keeps activations
    alive through a randomly initialised VGG or decoder (PyTorch's default
    init shrinks them layer by layer, so random RAINs decode flat images)."""
    for conv in module.modules():
        if isinstance(conv, nn.Conv2d):
            nn.init.kaiming_normal_(conv.weight, nonlinearity='relu')
            nn.init.zeros_(conv.bias)


def zero_mean_init(conv: nn.Conv2d) -> None:
    """He-std weights with every filter centred over (in, kh, kw) and a zero
    bias. Behind a ReLU all inputs are positive, so uncentred random filters
    respond mostly to the local mean: after a few layers the features of all
    positions point the same way (mean cosine 0.90 at relu4_1 with plain He
    init on the demo images) and a decoder cannot invert them. Centred
    filters respond to local structure instead (cosine ~0.3)."""
    nn.init.kaiming_normal_(conv.weight, nonlinearity='relu')
    with torch.no_grad():
        weight = conv.weight - conv.weight.mean(dim=(1, 2, 3), keepdim=True)
        std = (2.0 / conv.weight[0].numel())**0.5
        conv.weight.copy_(weight * std /
                          weight.std(dim=(1, 2, 3), keepdim=True))
    nn.init.zeros_(conv.bias)


def reflect_conv(conv: nn.Conv2d, x: torch.Tensor) -> torch.Tensor:
    """A 3x3 convolution preceded by 1-pixel reflection padding."""
    return conv(F.pad(x, (1, 1, 1, 1), mode='reflect'))


class VGGEncoder(nn.Module):
    """VGG-19 up to relu4_1 (512 channels, stride 8), as in AdaIN, or up to
    a shallower ``tap`` (relu3_1: 256 channels, stride 4; relu2_1: 128,
    stride 2).

    The paper calls its output ``f = E(x)``. Inputs are RGB images in
    ``[0, 1]``; the leading 1x1 ``conv0`` absorbs the caffe channel order and
    mean subtraction. The encoder is frozen by default: it only defines the
    feature space in which styles are measured.
    """

    #: Stride of the deepest tap (relu4_1); each instance has its own
    #: ``stride`` (a padding to a multiple of 8 suits every tap).
    stride = 8
    #: Smallest input side: relu4_1 (at stride 8) must be at least 2 pixels
    #: wide for the reflection padding of conv4_1.
    min_size = MIN_IMAGE_SIZE

    def __init__(self, frozen: bool = True, tap: str = 'relu4_1'):
        super().__init__()
        self.tap = tap
        self.layers = encoder_layers(tap)
        self.stride = 2**self.layers.count('pool')
        self.channels = self.layers[-1][2]
        self.conv0 = nn.Conv2d(3, 3, 1)
        for layer in self.layers:
            if layer != 'pool':
                name, cin, cout = layer
                self.add_module(name, nn.Conv2d(cin, cout, 3))
        self.init_weights()
        self.frozen = frozen
        if frozen:
            self.requires_grad_(False)

    @torch.no_grad()
    def init_weights(self) -> None:
        """A random encoder for when no VGG weights are at hand: ``conv0``
        set to the exact RGB [0, 1] -> caffe input map that the published
        ``vgg_normalised.pth`` holds, He init for ``conv1_1`` and centred He
        filters (:func:`zero_mean_init`) for the deeper layers."""
        he_init(self)
        for layer in self.layers[1:]:
            if layer != 'pool':
                zero_mean_init(getattr(self, layer[0]))
        self.conv0.weight.copy_(255 * torch.eye(3).flip(0)[..., None, None])
        self.conv0.bias.copy_(-torch.tensor(CAFFE_BGR_MEAN))
        # Scale the caffe range back so that features are O(1), like the
        # activation-normalised VGG of AdaIN (the convs are bias-free here,
        # so this scales every relu feature alike).
        self.conv1_1.weight.div_(128)

    def train(self, mode: bool = True):
        # A frozen encoder has no train-time behaviour; keep it in eval.
        return super().train(mode and not self.frozen)

    def forward_taps(self, x: torch.Tensor) -> List[torch.Tensor]:
        """Features at relu1_1, relu2_1, relu3_1 and relu4_1 (the style
        taps), up to the encoder's own tap (the last entry)."""
        taps = []
        x = self.conv0(x)
        for layer in self.layers:
            if layer == 'pool':
                x = F.max_pool2d(x, 2, 2, ceil_mode=True)
                continue
            name = layer[0]
            x = F.relu(reflect_conv(getattr(self, name), x))
            if name in STYLE_TAPS:
                taps.append(x)
        return taps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Features ``f = E(x)`` at the encoder's tap (relu4_1 by default)."""
        return self.forward_taps(x)[-1]

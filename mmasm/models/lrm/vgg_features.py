"""A frozen torchvision VGG as the loss network of LRM's perceptual losses.

mmasm's RAIN encoder (``mmasm.models.rain.VGGEncoder``) is AdaIN's
normalised VGG-19 cut at relu4_1 and cannot give relu4_3; mmpretrain's VGG
names its layers differently from torchvision's state dicts. LRM therefore
uses torchvision's own VGG ``features`` (``torchvision.models.vgg``'s layer
list and initialisation, without the 100M-parameter classifier), so a
torchvision VGG-16/19 state dict loads as is.
"""
import logging
import os
import re
from typing import Dict, List, Optional, Sequence

import torch
import torch.nn as nn
from mmengine.logging import print_log
from torchvision.models.vgg import cfgs, make_layers

from mmasm.utils.checkpoint import (describe_mismatch, load_tensor_file,
                                    state_dict_mismatch)

#: torchvision's layer configuration of each VGG depth.
ARCHS = {'vgg11': 'A', 'vgg13': 'B', 'vgg16': 'D', 'vgg19': 'E'}
#: ImageNet statistics torchvision's VGG weights expect (RGB in [0, 1]).
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
_FEATURE_KEY = re.compile(r'features\.(\d+)\.')


def layer_names(features: nn.Sequential) -> List[str]:
    """``conv{block}_{k}`` / ``relu{block}_{k}`` / ``pool{block}`` for each
    layer of a torchvision VGG ``features`` module."""
    names, block, index = [], 1, 0
    for layer in features:
        if isinstance(layer, nn.Conv2d):
            index += 1
            names.append(f'conv{block}_{index}')
        elif isinstance(layer, nn.ReLU):
            names.append(f'relu{block}_{index}')
        else:
            names.append(f'pool{block}')
            block, index = block + 1, 0
    return names


def init_like_torchvision(features: nn.Module) -> None:
    """The conv initialisation of ``torchvision.models.VGG``."""
    for conv in features.modules():
        if isinstance(conv, nn.Conv2d):
            nn.init.kaiming_normal_(
                conv.weight, mode='fan_out', nonlinearity='relu')
            nn.init.zeros_(conv.bias)


class VGGFeatures(nn.Module):
    """Frozen torchvision VGG ``features``, cut after the deepest tap.

    Args:
        arch: ``'vgg19'`` (default; the LRM authors' loss network) or
            another torchvision VGG depth.
        taps: ReLU outputs the forward pass returns, e.g. ``'relu2_2'``.
        checkpoint: a torchvision VGG state dict (``features.N.weight`` ...;
            ``classifier.*`` and layers past the cut are ignored), loaded
            with ``weights_only=True``. ``None``: random weights (a warning
            is logged; perceptual losses then measure random features).
        imagenet_normalize: map RGB ``[0, 255]`` inputs to the ImageNet
            normalisation torchvision weights were trained with. ``False``
            (default) feeds the raw ``[0, 255]`` images, as the LRM authors
            do (their loss weights are balanced for it).
    """

    def __init__(self,
                 arch: str = 'vgg19',
                 taps: Sequence[str] = ('relu1_2', 'relu2_2', 'relu3_3',
                                        'relu4_3'),
                 checkpoint: Optional[str] = None,
                 imagenet_normalize: bool = False):
        super().__init__()
        if arch not in ARCHS:
            raise ValueError(f'VGGFeatures: arch must be one of '
                             f'{sorted(ARCHS)}, got {arch!r}')
        features = make_layers(cfgs[ARCHS[arch]], batch_norm=False)
        names = layer_names(features)
        unknown = [t for t in taps if t not in names or 'relu' not in t]
        if unknown or not taps:
            raise ValueError(f'VGGFeatures: unknown taps {list(unknown)} for '
                             f'{arch}; choose ReLU outputs from {names}')
        last = max(names.index(t) for t in taps)
        self.arch = arch
        self.features = features[:last + 1]
        self.names = names[:last + 1]
        self.taps = tuple(taps)
        init_like_torchvision(self.features)
        if checkpoint is None:
            print_log(
                f'VGGFeatures: no VGG checkpoint given, the {arch} '
                f'loss network is random (perceptual losses measure '
                f'random features); pass a torchvision {arch} state '
                f'dict as vgg checkpoint',
                logger='current',
                level=logging.WARNING)
        else:
            self.load_torchvision(checkpoint)
        self.imagenet_normalize = imagenet_normalize
        self.register_buffer(
            'mean',
            255 * torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1),
            persistent=False)
        self.register_buffer(
            'std',
            255 * torch.tensor(IMAGENET_STD).view(1, 3, 1, 1),
            persistent=False)
        self.requires_grad_(False)
        self.eval()

    def load_torchvision(self, checkpoint: str) -> None:
        """Load the ``features.*`` weights of a torchvision VGG state
        dict."""
        checkpoint = os.fspath(checkpoint)
        state = load_tensor_file(checkpoint)
        if isinstance(state, dict) and isinstance(
                state.get('state_dict'), dict):
            state = state['state_dict']
        if not isinstance(state, dict):
            raise ValueError(f'{checkpoint} is not a torchvision {self.arch} '
                             f'state dict')
        own = {
            f'features.{k}': v
            for k, v in self.features.state_dict().items()
        }
        missing, unexpected, shapes = state_dict_mismatch(own, state)
        unexpected = [k for k in unexpected if not self._past_the_cut(k)]
        if missing or unexpected or shapes:
            raise ValueError(
                describe_mismatch(
                    checkpoint, f"torchvision {self.arch}'s features (up to "
                    f'{self.names[-1]})', missing, unexpected, shapes))
        self.features.load_state_dict(
            {k[len('features.'):]: state[k]
             for k in own})

    def _past_the_cut(self, key: str) -> bool:
        """Keys of a full torchvision VGG that this cut does not use."""
        layer = _FEATURE_KEY.match(key)
        return key.startswith('classifier.') or bool(
            layer and int(layer[1]) >= len(self.features))

    def train(self, mode: bool = True):
        return super().train(False)  # a fixed loss network

    def forward(
            self,
            images: torch.Tensor,
            taps: Optional[Sequence[str]] = None) -> Dict[str, torch.Tensor]:
        """Features at ``taps`` (default: all of ``self.taps``) of RGB
        images in [0, 255]; the pass stops at the deepest one."""
        taps = self.taps if taps is None else tuple(taps)
        missing = [t for t in taps if t not in self.names]
        if missing:
            raise ValueError(f'VGGFeatures: taps {missing} lie past the cut '
                             f'at {self.names[-1]}')
        x = images
        if self.imagenet_normalize:
            x = (x - self.mean) / self.std
        out, last = {}, max(self.names.index(t) for t in taps)
        for name, layer in zip(self.names[:last + 1], self.features):
            x = layer(x)
            if name in taps:
                out[name] = x
        return out

"""Convert published RAIN / ImageNet VGG-19 weights to one mmasm RAIN file.

The RAIN authors publish four ``nn.Sequential`` state dicts (keys
``N.weight`` / ``N.bias``), laid out as in pytorch-AdaIN's ``net.py``:

- ``vgg_normalised.pth``: the normalised VGG-19 of AdaIN to relu5_4; mmasm
  keeps the 1x1 input conv and the convs up to conv4_1 (relu4_1);
- ``decoder.pth``: the AdaIN decoder;
- ``fc_encoder.pth`` / ``fc_decoder.pth``: the style VAE, Linear layers at
  0, 2, 4 (the authors' depth 3) or 0, 2 (depth 2, as in the paper).

The result is a plain state dict of tensors for :class:`RAIN`; its style VAE
depth is what :func:`vae_depth_of` counts. Alternatively the encoder comes
from an ImageNet VGG-19 (torchvision or mmpretrain), whose input
normalisation is folded into the 1x1 ``conv0`` so that the encoder takes RGB
in [0, 1] like the AdaIN one.
"""
import re
from collections import OrderedDict
from typing import Dict, List, Mapping, Optional, Tuple

import torch

from .checkpoint import (load_tensor_file, rain_state_dict,
                         rain_state_dict_from_file, vae_depth_of)

#: pytorch-AdaIN ``vgg`` index -> mmasm encoder layer.
PUBLISHED_VGG = {
    0: 'conv0',
    2: 'conv1_1',
    5: 'conv1_2',
    9: 'conv2_1',
    12: 'conv2_2',
    16: 'conv3_1',
    19: 'conv3_2',
    22: 'conv3_3',
    25: 'conv3_4',
    29: 'conv4_1'
}
#: Convs past relu4_1 (conv4_2 ... conv5_4) that RAIN never uses.
PUBLISHED_VGG_DROPPED = (32, 35, 38, 42, 45, 48, 51)
#: pytorch-AdaIN ``decoder`` index -> mmasm decoder layer.
PUBLISHED_DECODER = {
    1: 'conv4_1',
    5: 'conv3_4',
    8: 'conv3_3',
    11: 'conv3_2',
    14: 'conv3_1',
    18: 'conv2_2',
    21: 'conv2_1',
    25: 'conv1_2',
    28: 'conv1_1'
}
_ENCODER_LAYERS = ('conv1_1', 'conv1_2', 'conv2_1', 'conv2_2', 'conv3_1',
                   'conv3_2', 'conv3_3', 'conv3_4', 'conv4_1')

#: ImageNet VGG-19 layouts: the ``features`` index of each conv up to conv4_1,
#: the key pattern, and the input normalisation ``(x * scale - mean) / std``
#: of RGB ``x`` in [0, 1] that the network was trained with.
IMAGENET_LAYOUTS = {
    'torchvision':
    dict(
        indices=(0, 2, 5, 7, 10, 12, 14, 16, 19),
        pattern=r'features\.(\d+)\.(weight|bias)',
        scale=1.0,
        mean=(0.485, 0.456, 0.406),
        std=(0.229, 0.224, 0.225)),
    'mmpretrain':
    dict(
        indices=(0, 1, 3, 4, 6, 7, 8, 9, 11),
        pattern=r'features\.(\d+)\.conv\.(weight|bias)',
        scale=255.0,
        mean=(123.675, 116.28, 103.53),
        std=(58.395, 57.12, 57.375)),
}

_SEQUENTIAL_KEY = re.compile(r'(\d+)\.(weight|bias)$')
Layers = Dict[int, Dict[str, torch.Tensor]]


def _plain_state(filename: str) -> Dict[str, torch.Tensor]:
    """Tensors of a state dict file, unwrapping ``state_dict`` and
    ``module.``."""
    state = load_tensor_file(filename)
    if isinstance(state, Mapping) and isinstance(
            state.get('state_dict'), Mapping):
        state = state['state_dict']
    if not isinstance(state, Mapping):
        raise ValueError(f'{filename} is not a state dict '
                         f'(got {type(state).__name__})')
    return OrderedDict((k[7:] if k.startswith('module.') else k, v)
                       for k, v in state.items() if torch.is_tensor(v))


def load_sequential(filename: str) -> Layers:
    """``{index: {'weight': w, 'bias': b}}`` of an ``nn.Sequential`` file."""
    layers: Layers = {}
    for key, value in _plain_state(filename).items():
        match = _SEQUENTIAL_KEY.match(key)
        if match is None:
            raise ValueError(f'{filename}: unexpected key "{key}"; expected '
                             f'an nn.Sequential state dict with keys like '
                             f'"0.weight", "2.bias"')
        layers.setdefault(int(match[1]), {})[match[2]] = value
    return layers


def map_layers(layers: Layers,
               index_map: Mapping[int, str],
               prefix: str,
               filename: str,
               dropped=()) -> Tuple[Dict, List[str]]:
    """Rename ``layers`` by ``index_map`` to ``prefix + name + .weight``.

    Returns the renamed tensors and the dropped keys; raises on indices that
    are neither mapped nor known to be dropped, and on missing ones.
    """
    unknown = sorted(set(layers) - set(index_map) - set(dropped))
    missing = sorted(set(index_map) - set(layers))
    if unknown or missing:
        raise ValueError(
            f'{filename}: layer indices do not match the expected layout '
            f'(layers at {sorted(index_map)}); unexpected: {unknown}, '
            f'missing: {missing}. Is it the right file?')
    state, dropped_keys = OrderedDict(), []
    for index, params in sorted(layers.items()):
        for param, value in params.items():
            if index in index_map:
                state[f'{prefix}{index_map[index]}.{param}'] = value
            else:
                dropped_keys.append(f'{index}.{param}')
    return state, dropped_keys


def _vae_index_map(layers: Layers, filename: str) -> Dict[int, int]:
    depth = len(layers)
    if depth < 1 or sorted(layers) != list(range(0, 2 * depth, 2)):
        raise ValueError(f'{filename}: Linear layers at {sorted(layers)}; '
                         f'expected 0, 2 (depth 2) or 0, 2, 4 (depth 3)')
    return {i: str(i) for i in layers}


def convert_style_vae(fc_encoder: str, fc_decoder: str) -> Dict:
    """The authors' ``fc_encoder`` / ``fc_decoder`` -> ``style_vae.*``."""
    enc, dec = load_sequential(fc_encoder), load_sequential(fc_decoder)
    if len(enc) != len(dec):
        raise ValueError(f'{fc_encoder} has {len(enc)} Linear layers but '
                         f'{fc_decoder} has {len(dec)}; they must match')
    state, _ = map_layers(enc, _vae_index_map(enc, fc_encoder),
                          'style_vae.encoder.', fc_encoder)
    state.update(
        map_layers(dec, _vae_index_map(dec, fc_decoder), 'style_vae.decoder.',
                   fc_decoder)[0])
    return state


def normalisation_conv0(scale: float, mean, std) -> Dict[str, torch.Tensor]:
    """A 1x1 ``conv0`` computing ``(x * scale - mean) / std`` per channel."""
    mean = torch.tensor(mean, dtype=torch.float32)
    std = torch.tensor(std, dtype=torch.float32)
    weight = torch.diag(scale / std)[..., None, None]
    return {'encoder.conv0.weight': weight, 'encoder.conv0.bias': -mean / std}


def convert_imagenet_vgg(filename: str,
                         layout: str = 'torchvision') -> Tuple[Dict, List]:
    """Encoder weights from an ImageNet VGG-19 checkpoint.

    The encoder keeps AdaIN's reflection padding and ceil-mode pools: the
    weights are the ImageNet ones, the border handling is RAIN's.
    """
    if layout not in IMAGENET_LAYOUTS:
        raise ValueError(f'unknown ImageNet VGG layout {layout!r}; choose '
                         f'one of {sorted(IMAGENET_LAYOUTS)}')
    spec = IMAGENET_LAYOUTS[layout]
    state = _plain_state(filename)
    if any(k.endswith('running_mean') for k in state):
        raise ValueError(f'{filename} is a batch-norm VGG (vgg19_bn); RAIN '
                         f'needs the plain VGG-19')
    pattern = re.compile(r'(?:backbone\.)?' + spec['pattern'] + '$')
    last = spec['indices'][-1]
    layers: Layers = {}
    dropped = []
    for key, value in state.items():
        match = pattern.match(key)
        if match is None or int(match[1]) > last:
            dropped.append(key)
        else:
            layers.setdefault(int(match[1]), {})[match[2]] = value
    if not layers:
        raise ValueError(f'{filename} has no {layout}-layout VGG keys like '
                         f'"{spec["pattern"]}"; check --imagenet-layout')
    index_map = dict(zip(spec['indices'], _ENCODER_LAYERS))
    encoder, _ = map_layers(layers, index_map, 'encoder.', filename)
    encoder.update(
        normalisation_conv0(spec['scale'], spec['mean'], spec['std']))
    return encoder, dropped


def check_shapes(state: Mapping[str, torch.Tensor], vae_depth: int) -> None:
    """Raise, listing key and shapes, where ``state`` does not fit RAIN."""
    from .rain import RAIN
    with torch.device('meta'):
        reference = RAIN(vae_depth=vae_depth).state_dict()
    wrong = [
        f'{k}: expected {tuple(reference[k].shape)}, found '
        f'{tuple(v.shape)}' for k, v in state.items()
        if k not in reference or v.shape != reference[k].shape
    ]
    if wrong:
        raise ValueError(
            'converted weights do not fit RAIN (wrong file?):\n  ' +
            '\n  '.join(wrong))


def convert_rain_weights(
    vgg: Optional[str] = None,
    decoder: Optional[str] = None,
    fc_encoder: Optional[str] = None,
    fc_decoder: Optional[str] = None,
    imagenet_vgg: Optional[str] = None,
    imagenet_layout: str = 'torchvision'
) -> Tuple[Dict[str, torch.Tensor], Dict]:
    """Build an mmasm RAIN state dict from the given files.

    Exactly one encoder source (``vgg`` or ``imagenet_vgg``); the decoder and
    the style VAE pair are optional (e.g. an encoder-only file to start RAIN
    pretraining from). Returns the state dict and a report with the parts
    present, the style VAE depth and the dropped keys.
    """
    if (vgg is None) == (imagenet_vgg is None):
        raise ValueError('give exactly one encoder source: the published '
                         'vgg_normalised.pth or an ImageNet VGG-19')
    if (fc_encoder is None) != (fc_decoder is None):
        raise ValueError('give both fc_encoder and fc_decoder, or neither')
    if vgg is not None:
        state, dropped = map_layers(
            load_sequential(vgg), PUBLISHED_VGG, 'encoder.', vgg,
            PUBLISHED_VGG_DROPPED)
    else:
        state, dropped = convert_imagenet_vgg(imagenet_vgg, imagenet_layout)
    parts = ['encoder']
    if decoder is not None:
        state.update(
            map_layers(
                load_sequential(decoder), PUBLISHED_DECODER, 'decoder.',
                decoder)[0])
        parts.append('decoder')
    if fc_encoder is not None:
        state.update(convert_style_vae(fc_encoder, fc_decoder))
        parts.append('style_vae')
    depth = vae_depth_of(state)
    check_shapes(state, depth or 3)
    state = OrderedDict((k, v.float().contiguous()) for k, v in state.items())
    return state, dict(parts=parts, vae_depth=depth, dropped=dropped)


def export_runner_checkpoint(src: str,
                             trusted: bool = False) -> Dict[str, torch.Tensor]:
    """The plain RAIN state dict inside an mmengine Runner checkpoint.

    ``trusted=True`` unpickles the file fully (``weights_only=False``), for
    checkpoints whose metadata the safe loader refuses; use it only on files
    of known origin.
    """
    if not trusted:
        return rain_state_dict_from_file(src)
    ckpt = torch.load(src, map_location='cpu', weights_only=False)
    if isinstance(ckpt, Mapping) and isinstance(
            ckpt.get('state_dict'), Mapping):
        ckpt = ckpt['state_dict']
    if isinstance(ckpt, Mapping):  # drop non-tensor extras, e.g. _metadata
        ckpt = OrderedDict(
            (k, v) for k, v in ckpt.items() if torch.is_tensor(v))
    return rain_state_dict(ckpt, src)

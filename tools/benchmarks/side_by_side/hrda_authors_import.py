"""The authors' HRDA head (lhoyer/HRDA, mmseg 0.16 / mmcv 1.x code) imported
from a local checkout, with shim modules for the few imports that mmseg 1.x
/ mmcv 2.x no longer have. Nothing of the authors' is stored in mmasm;
``bench_hrda_vs_authors`` compares it with mmasm's head."""
import importlib.util
import sys
import types
from pathlib import Path

import torch


def _module(name: str, **attributes) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__dict__.update(attributes)
    module.__path__ = []  # a package, for relative imports
    sys.modules[name] = module
    return module


class _Registry(dict):

    def register_module(self):

        def register(cls):
            self[cls.__name__] = cls
            return cls

        return register


def _identity_decorator(*args, **kwargs):
    return lambda function: function


def _install_shims() -> None:
    """What the authors' files import from mmseg 0.16 / mmcv 1.x."""
    from mmengine.model import BaseModule
    from mmseg.models import losses as mmseg_losses
    from mmseg.models.decode_heads import isa_head
    from mmseg.models.utils import resize
    from mmseg.registry import MODELS
    from mmseg.utils import add_prefix

    def build_loss(cfg):
        return MODELS.build(cfg)

    def build_head(cfg):
        cfg = dict(cfg)
        return heads[cfg.pop('type')](**cfg)

    heads = _Registry()
    _module(
        'mmcv.runner',
        BaseModule=BaseModule,
        auto_fp16=_identity_decorator,
        force_fp32=_identity_decorator)
    _module('mmseg.core', add_prefix=add_prefix, build_pixel_sampler=None)
    _module('mmseg.ops', resize=resize)
    isa_head.ISALayer = None  # imported by their daformer_head, unused
    _module('hrda_authors')
    _module('hrda_authors.core', add_prefix=add_prefix)
    _module('hrda_authors.ops', resize=resize)
    builder = _module(
        'hrda_authors.models.builder',
        HEADS=heads,
        SEGMENTORS=_Registry(),
        build_head=build_head,
        build_loss=build_loss)
    _module('hrda_authors.models', builder=builder)
    _module('hrda_authors.models.losses', accuracy=mmseg_losses.accuracy)
    _module('hrda_authors.models.decode_heads')
    _module('hrda_authors.models.segmentors')
    _module(
        'hrda_authors.models.segmentors.encoder_decoder',
        EncoderDecoder=torch.nn.Module)


def _load(src: Path, relative: str) -> types.ModuleType:
    name = 'hrda_authors.' + relative[len('mmseg/'):-3].replace('/', '.')
    spec = importlib.util.spec_from_file_location(name, src / relative)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_authors_hrda(src) -> types.SimpleNamespace:
    """The authors' ``HRDAHead`` module (and its DAFormer head) from the
    checkout ``src`` of lhoyer/HRDA."""
    src = Path(src)
    if not (src / 'mmseg/models/decode_heads/hrda_head.py').is_file():
        raise FileNotFoundError(f'{src} is not a checkout of lhoyer/HRDA '
                                '(no mmseg/models/decode_heads/hrda_head.py)')
    _install_shims()
    heads = 'mmseg/models/decode_heads/'
    for name in ('decode_head', 'segformer_head', 'aspp_head', 'sep_aspp_head',
                 'daformer_head'):
        _load(src, f'{heads}{name}.py')
    _load(src, 'mmseg/models/segmentors/hrda_encoder_decoder.py')
    return _load(src, f'{heads}hrda_head.py')

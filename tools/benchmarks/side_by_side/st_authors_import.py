"""The authors' self-training functions, read from a local checkout of
lhoyer/DAFormer and lhoyer/MIC (mmseg 0.x / mmcv 1.x code).

Only the pure functions and methods are taken: each ``def`` / ``class`` is
cut out of the authors' file with :mod:`ast` and executed in a namespace
holding what it uses (``torch``, ``np``, ``random``, ``kornia``, mmseg's
``resize``), so none of their mmcv 1.x / mmseg 0.x imports run. Where
they draw from global random state (``random.uniform``,
``np.random.choice``, ``np.random.uniform``, ``torch.rand`` and kornia's
colour-jitter parameters), :class:`Draws` hands them the values the harness
plans instead, so both sides see the same random decisions.

The colour jitter needs the authors' kornia (0.5.x: ``pip install
--target DIR kornia==0.5.8 --no-deps`` and ``--kornia-path DIR``).
"""
import ast
import random
import sys
import types
from collections import deque
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch

DAFORMER_FILES = dict(
    transforms='mmseg/models/utils/dacs_transforms.py',
    utils='mmseg/utils/utils.py',
    dacs='mmseg/models/uda/dacs.py',
    uda_dataset='mmseg/datasets/uda_dataset.py')
MIC_FILES = dict(
    masking='seg/mmseg/models/utils/masking_transforms.py',
    dacs='seg/mmseg/models/uda/dacs.py')


class Draws:
    """Planned values for the authors' random call sites, consumed in
    order: ``uniform`` (``random.uniform`` and ``np.random.uniform``),
    ``choice`` (``np.random.choice``), ``rand`` (``torch.rand``) and
    ``jitter`` (kornia's ``ColorJitter`` parameters)."""

    def __init__(self):
        self.queues = dict(
            uniform=deque(), choice=deque(), rand=deque(), jitter=deque())

    def plan(self, kind, value):
        self.queues[kind].append(value)

    def take(self, kind):
        if not self.queues[kind]:
            raise RuntimeError(f'the authors drew more {kind!r} values '
                               'than the harness planned')
        return self.queues[kind].popleft()

    def left(self):
        return {k: len(q) for k, q in self.queues.items() if q}


class _Forward:
    """A module stand-in forwarding every attribute to ``module`` except
    the ones given."""

    def __init__(self, module, **overrides):
        self._module, self._overrides = module, overrides

    def __getattr__(self, name):
        if name in self._overrides:
            return self._overrides[name]
        return getattr(self._module, name)


def _namespace(draws, kornia=None):
    """Globals for the authors' code: real modules, random call sites
    served by ``draws``."""
    np_random = _Forward(
        np.random,
        choice=lambda *a, **k: draws.take('choice'),
        uniform=lambda *a, **k: draws.take('uniform'))
    from mmseg.models.utils import resize
    return dict(
        torch=_Forward(torch, rand=lambda *a, **k: draws.take('rand')),
        np=_Forward(np, random=np_random),
        random=_Forward(random, uniform=lambda *a, **k: draws.take('uniform')),
        nn=torch.nn,
        F=torch.nn.functional,
        kornia=kornia,
        resize=resize,
        json=__import__('json'),
        osp=__import__('os.path').path)


def _definitions(path, names):
    """The source of the top-level definitions ``names`` of ``path``
    (``Class.method`` for a method, returned as a plain function)."""
    text = Path(path).read_text()
    tree = ast.parse(text)
    found = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            found[node.name] = node
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef):
                        found[f'{node.name}.{item.name}'] = item
    missing = [n for n in names if n not in found]
    if missing:
        raise KeyError(f'{path} has no definition of {", ".join(missing)}; '
                       'is it the authors\' file?')
    return {n: ast.get_source_segment(text, found[n]) for n in names}


def _exec(path, names, namespace):
    sources = _definitions(path, names)
    scope = dict(namespace)
    loaded = {}
    for name, source in sources.items():
        local = {}
        exec(compile(_dedent(source), f'{path}:{name}', 'exec'), scope, local)
        (obj, ) = local.values()
        scope[obj.__name__] = obj
        loaded[name] = obj
    return loaded


def _dedent(source):
    lines = source.splitlines()
    indent = len(lines[0]) - len(lines[0].lstrip()) if lines else 0
    if indent == 0 and len(lines) > 1 and lines[1][:1] == ' ':
        # a method: ast gives its first line without the class indent
        rest = [ln for ln in lines[1:] if ln.strip()]
        indent = min(len(ln) - len(ln.lstrip()) for ln in rest) - 4
        lines = [lines[0]] + [ln[indent:] for ln in lines[1:]]
    return '\n'.join(lines)


def import_kornia(kornia_path=None):
    """The authors' kornia (0.5.x), from ``kornia_path`` if given."""
    # Not one of our modules: the authors pin kornia 0.5.x, which conflicts
    # with the kornia mmasm's environment may hold, so it is installed into
    # a folder of its own (``pip install --target``) and is found only for
    # this one import; nothing of ours is imported through this path.
    if kornia_path:
        sys.path.insert(0, str(kornia_path))
    try:
        import kornia
    except ImportError:
        return None
    finally:
        if kornia_path:
            sys.path.remove(str(kornia_path))
    return kornia


class AuthorsCode:
    """The authors' functions, loaded from ``daformer_root`` and
    ``mic_root`` with their random call sites served by :attr:`draws`."""

    def __init__(self, daformer_root, mic_root, kornia_path=None):
        daformer, mic = Path(daformer_root), Path(mic_root)
        for root, files in ((daformer, DAFORMER_FILES), (mic, MIC_FILES)):
            for rel in files.values():
                if not (root / rel).is_file():
                    raise FileNotFoundError(
                        f'{root / rel} not found: pass the root of a '
                        'checkout of lhoyer/DAFormer (--daformer) and of '
                        'lhoyer/MIC (--mic)')
        self.draws = Draws()
        self.kornia = import_kornia(kornia_path)
        ns = _namespace(self.draws, self.kornia)
        self.transforms = types.SimpleNamespace(
            **_exec(daformer / DAFORMER_FILES['transforms'], [
                'strong_transform', 'denorm', 'denorm_', 'renorm_',
                'color_jitter', 'gaussian_blur', 'get_class_masks',
                'generate_class_mask', 'one_mix'
            ], ns))
        self.utils = types.SimpleNamespace(
            **_exec(daformer /
                    DAFORMER_FILES['utils'], ['downscale_label_ratio'], ns))
        # rare-class sampling draws from the real global NumPy state
        self.rcs = types.SimpleNamespace(
            **{
                k.split('.')[-1]: v
                for k, v in _exec(daformer / DAFORMER_FILES['uda_dataset'], [
                    'get_rcs_class_probs', 'UDADataset.get_rare_class_sample'
                ], dict(ns, np=np, torch=torch)).items()
            })
        self.daformer_dacs = types.SimpleNamespace(
            **{
                k.split('.')[-1]: v
                for k, v in _exec(daformer / DAFORMER_FILES['dacs'], [
                    'DACS._init_ema_weights', 'DACS._update_ema',
                    'DACS.masked_feat_dist'
                ], ns).items()
            })
        self.mic_dacs = types.SimpleNamespace(
            **{
                k.split('.')[-1]: v
                for k, v in _exec(mic / MIC_FILES['dacs'], [
                    'DACS.get_pseudo_label_and_weight',
                    'DACS.filter_valid_pseudo_region'
                ], ns).items()
            })
        self.masking = types.SimpleNamespace(
            **_exec(mic / MIC_FILES['masking'], ['BlockMaskGenerator'], ns))

    @contextmanager
    def planned_jitter(self):
        """Within the block, kornia's ``ColorJitter`` takes its parameters
        (``brightness_factor`` ... ``order``) from :attr:`draws`."""
        if self.kornia is None:
            raise RuntimeError('the authors\' colour jitter needs kornia '
                               '0.5.x (--kornia-path)')
        cls = self.kornia.augmentation.ColorJitter
        original = cls.generate_parameters
        cls.generate_parameters = lambda _self, shape: self.draws.take('jitter'
                                                                       )
        try:
            yield
        finally:
            cls.generate_parameters = original

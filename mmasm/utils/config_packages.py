"""Teach mmengine's ``pkg::`` config lookup the onedl packages and mmasm.

mmengine resolves ``_base_ = ['mmseg::segformer/x.py']`` in
``Config._get_cfg_path``: ``MODULE2PACKAGE`` maps the module ``mmseg`` to the
distribution ``mmsegmentation``, ``is_installed('mmsegmentation')`` asks
``importlib.metadata`` for that distribution (and ``find_spec`` for a module of
that name), finds neither because the installed distribution is
``onedl-mmsegmentation``, and the lookup raises ``ModuleNotFoundError:
mmsegmentation is not installed``. Mapping the module to the distribution that
is installed is all ``mmseg::`` needs: the rest of the lookup
(``top_level.txt`` -> ``mmseg/.mim/configs``) already works.

``mmasm::`` cannot go through that lookup: mmengine opens
``<package>/.mim/model-index.yml`` and raises ``FileNotFoundError`` when it is
missing (a source checkout has no ``.mim``), and it gives every dict of such a
base config ``_scope_='mmasm'``, a scope without registries (mmasm registers
into mmseg's), so e.g. ``SegVisualizationHook`` would be looked up in
mmengine's root registry and not found. mmasm therefore resolves ``mmasm::``
itself, to :func:`mmasm_config_root`, with scope ``mmseg``.

``_base_`` is resolved before ``custom_imports`` runs, so only a process that
imports mmasm before loading the config gets this (mmasm's ``tools/train.py``
and ``tools/test.py``, or ``import mmasm`` / :func:`register_config_packages`
in your own script); mmseg's own tools do not.
"""
import importlib.util
import os.path as osp
from importlib import metadata

from mmengine.config import Config
from mmengine.config.utils import MODULE2PACKAGE

MMASM_SCOPE = 'mmseg'
ONEDL_PREFIX = 'onedl-'
PACKAGE_DIR = osp.dirname(osp.dirname(osp.abspath(__file__)))


def mmasm_config_root() -> str:
    """Folder that ``mmasm::`` paths are relative to.

    An installed wheel carries the configs as package data in
    ``mmasm/.mim/configs`` (OpenMMLab's layout); a source checkout (editable
    install) has them in ``<repo>/configs`` beside ``setup.py``.
    """
    packaged = osp.join(PACKAGE_DIR, '.mim', 'configs')
    if osp.isdir(packaged):
        return packaged
    checkout = osp.dirname(PACKAGE_DIR)
    if osp.isfile(osp.join(checkout, 'setup.py')) and osp.isdir(
            osp.join(checkout, 'configs')):
        return osp.join(checkout, 'configs')
    raise FileNotFoundError(
        f'mmasm configs not found: expected {packaged} (installed package) '
        f'or {osp.join(checkout, "configs")} beside setup.py (source '
        'checkout)')


def mmasm_config_path(relative_path: str) -> str:
    """Absolute path of ``mmasm::<relative_path>``."""
    root = mmasm_config_root()
    path = osp.join(root, relative_path)
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'mmasm::{relative_path}: no config file {path} (mmasm configs '
            f'live in {root})')
    return path


def _installed_distribution(package: str):
    """``package`` or its onedl fork, whichever distribution is installed."""
    for candidate in (package, ONEDL_PREFIX + package):
        try:
            metadata.version(candidate)
            return candidate
        except metadata.PackageNotFoundError:
            continue
    return None


def map_modules_to_installed_distributions() -> None:
    """Point ``MODULE2PACKAGE`` at the installed (possibly onedl) distribution
    of each importable OpenMMLab module, e.g. ``mmseg ->
    onedl-mmsegmentation``."""
    for module, package in list(MODULE2PACKAGE.items()):
        if importlib.util.find_spec(module) is None:
            continue
        distribution = _installed_distribution(package)
        if distribution is not None:
            MODULE2PACKAGE[module] = distribution


def _get_cfg_path(cfg_path: str, filename: str):
    """``Config._get_cfg_path`` that resolves ``mmasm::`` to mmasm's configs
    in the mmseg scope and leaves everything else to mmengine."""
    package, separator, relative_path = cfg_path.partition('::')
    if separator and package == 'mmasm':
        return mmasm_config_path(relative_path), MMASM_SCOPE
    return _get_cfg_path.__wrapped__(cfg_path, filename)


def register_config_packages() -> None:
    """Make ``mmseg::`` (onedl) and ``mmasm::`` bases resolvable.

    Cheap and idempotent; called when :mod:`mmasm` is imported.
    """
    map_modules_to_installed_distributions()
    current = Config.__dict__['_get_cfg_path'].__func__
    if current is not _get_cfg_path:
        _get_cfg_path.__wrapped__ = current
        Config._get_cfg_path = staticmethod(_get_cfg_path)

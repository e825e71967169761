"""``mmseg::`` and ``mmasm::`` config bases through mmengine's own lookup.

mmengine resolves ``_base_ = ['mmseg::segformer/x.py']`` in
``Config._get_cfg_path``: ``MODULE2PACKAGE`` maps the module name to its
distribution (``mmseg -> mmsegmentation``), the distribution must be
installed, and the file is read from ``<package>/.mim/configs/``. Two
entries of that table are all mmasm needs:

- the onedl forks install ``onedl-mmsegmentation`` (``onedl-mmpretrain``,
  ...), not ``mmsegmentation``, so ``mmseg::`` fails with
  ``mmsegmentation is not installed`` until ``mmseg`` maps to the
  distribution that is installed;
- ``mmasm`` is not in mmengine's table at all. mmasm ships its configs in
  the OpenMMLab (mim) layout, ``mmasm/.mim/configs`` and
  ``mmasm/.mim/model-index.yml`` (links to ``configs/`` and
  ``model-index.yml`` in a source checkout, copies in a wheel), so once
  ``mmasm`` is in the table mmengine finds its bases itself, in the scope
  ``mmasm`` (mmasm's registry nodes).

Importing mmasm changes nothing in mmengine: :func:`register_config_packages`
is one explicit call, made by mmasm's ``tools/train.py`` and ``tools/test.py``
before they read a config (``_base_`` is resolved before ``custom_imports``
runs). Call it in your own scripts before ``Config.fromfile`` if your configs
use these prefixes.
"""
import importlib.util
import os.path as osp
from importlib import metadata

from mmengine.config.utils import MODULE2PACKAGE

ONEDL_PREFIX = 'onedl-'
PACKAGE_DIR = osp.dirname(osp.dirname(osp.abspath(__file__)))


def mmasm_config_root() -> str:
    """The folder that ``mmasm::`` paths are relative to
    (``mmasm/.mim/configs``)."""
    root = osp.join(PACKAGE_DIR, '.mim', 'configs')
    if not osp.isdir(root):
        raise FileNotFoundError(
            f'mmasm configs not found in {root}: a source checkout links it to '
            f'configs/, a wheel carries a copy; reinstall mmasm')
    return root


def _installed_distribution(package: str):
    """``package`` or its onedl fork, whichever distribution is installed."""
    for candidate in (package, ONEDL_PREFIX + package):
        try:
            metadata.version(candidate)
            return candidate
        except metadata.PackageNotFoundError:
            continue
    return None


def register_config_packages() -> None:
    """Make ``mmseg::`` (onedl or upstream) and ``mmasm::`` bases resolvable
    by mmengine's ``Config``: point ``MODULE2PACKAGE`` at the installed
    distribution of each importable OpenMMLab module and add ``mmasm``.
    Idempotent; patches no function."""
    for module, package in list(MODULE2PACKAGE.items()):
        if importlib.util.find_spec(module) is None:
            continue
        distribution = _installed_distribution(package)
        if distribution is not None:
            MODULE2PACKAGE[module] = distribution
    MODULE2PACKAGE['mmasm'] = 'mmasm'

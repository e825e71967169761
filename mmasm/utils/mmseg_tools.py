"""Reuse mmseg's command-line tools (shipped in ``mmseg/.mim/tools``)."""
import importlib.util
import os.path as osp
from types import ModuleType

from mmengine.device import (is_cuda_available, is_mlu_available,
                             is_musa_available, is_npu_available)
from mmengine.config import Config
from mmengine.runner import Runner


def load_mmseg_tool(name: str) -> ModuleType:
    """Load mmseg's ``tools/<name>.py`` as a fresh module (not run).

    The installed mmsegmentation ships its tools as package data under
    ``mmseg/.mim/tools``, a folder that cannot be imported by name.
    """
    import mmseg
    path = osp.join(osp.dirname(mmseg.__file__), '.mim', 'tools', f'{name}.py')
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'mmseg tool {path} not found: mmasm wraps the tools installed '
            'with (onedl-)mmsegmentation under mmseg/.mim/tools')
    spec = importlib.util.spec_from_file_location(f'mmseg_tools_{name}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tool_config(args) -> Config:
    """A training tool's config: ``args.config`` with mmseg train.py's
    overrides ``--cfg-options``, ``--work-dir`` (default
    ``work_dirs/<config name>``), ``--resume [CKPT]`` and, if the tool has
    it, ``--launcher``."""
    cfg = Config.fromfile(args.config)
    if getattr(args, 'launcher', None) is not None:
        cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(args.config))[0])
    if args.resume is not None:
        cfg.resume = True
        if args.resume != 'auto':
            cfg.load_from = args.resume
    return cfg


def build_runner(cfg) -> Runner:
    """Build the runner as mmseg's train.py does: ``RUNNERS.build(cfg)`` when
    the config names a ``runner_type``, else ``Runner.from_cfg(cfg)``."""
    if 'runner_type' in cfg:
        from mmseg.registry import RUNNERS
        return RUNNERS.build(cfg)
    return Runner.from_cfg(cfg)


def amp_device_available() -> bool:
    """Whether mmengine's ``AmpOptimWrapper`` has a device to run on."""
    return (is_cuda_available() or is_npu_available() or is_mlu_available()
            or is_musa_available())

"""Reuse mmseg's command-line tools (shipped in ``mmseg/.mim/tools``)."""
import importlib.util
import itertools
import os.path as osp
from contextlib import contextmanager
from types import ModuleType

from mmengine.config import Config
from mmengine.device import (is_cuda_available, is_mlu_available,
                             is_musa_available, is_npu_available)
from mmengine.logging import print_log
from mmengine.runner import Runner
from torch import distributed as torch_dist

from .checkpoint import latest_complete_checkpoint


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
    ``work_dirs/<config name>``), ``--resume`` (a flag, or a checkpoint path /
    ``'auto'``), ``--amp`` and ``--launcher`` where the tool has them.
    Automatic resume picks the newest complete checkpoint, and checkpoints
    are written atomically (``AtomicCheckpointHook``)."""
    cfg = Config.fromfile(args.config)
    if getattr(args, 'launcher', None) is not None:
        cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    use_cpu_runner_without_accelerator(cfg)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    resume = getattr(args, 'resume', None)
    if resume:
        cfg.resume = True
        if isinstance(resume, str) and resume != 'auto':
            cfg.load_from = resume
    if cfg.get('resume', False) and not cfg.get('load_from', None):
        resume_from_latest_complete(cfg)
    save_checkpoints_atomically(cfg)
    if getattr(args, 'amp', False):
        enable_amp(cfg)
    return cfg


def use_cpu_runner_without_accelerator(cfg: Config) -> None:
    """Distributed (``launcher`` other than ``'none'``) on a machine without
    a GPU (or NPU/MLU/MUSA): mmengine's ``Runner`` calls
    ``torch.cuda.set_device`` and fails with "Found no NVIDIA driver", so a
    config that names no runner (or mmengine's ``Runner``) gets
    ``mmasm.CPUDistRunner`` (gloo, CPU DDP); another runner is an error
    saying so."""
    if cfg.get('launcher', 'none') == 'none' or amp_device_available():
        return
    runner_type = cfg.get('runner_type', 'Runner')
    if runner_type in ('Runner', 'mmengine.Runner'):
        cfg.runner_type = 'mmasm.CPUDistRunner'
        print_log(
            'no GPU: distributed on CPU with runner_type='
            "'mmasm.CPUDistRunner' (gloo)",
            logger='current')
        return
    from mmasm.registry import RUNNERS
    runner_cls = RUNNERS.get(runner_type)
    if runner_cls is not None and not hasattr(runner_cls,
                                              'distributed_on_cpu'):
        raise ValueError(
            f'runner_type={runner_type!r} cannot run distributed without a GPU '
            f"(mmengine's Runner needs CUDA for launcher={cfg.launcher!r}); use "
            f"runner_type='mmasm.CPUDistRunner' (gloo on CPU), or launch "
            f'without --launcher')


def resume_from_latest_complete(cfg: Config) -> None:
    """Automatic ``--resume``: start from the newest *complete* checkpoint
    of the work dir (mmengine takes whatever ``last_checkpoint`` names, even
    a file that a crash deleted or truncated); train from scratch, as
    mmengine does, if there is none."""
    cfg.load_from = latest_complete_checkpoint(cfg.work_dir)
    cfg.resume = cfg.load_from is not None


def save_checkpoints_atomically(cfg: Config) -> None:
    """Use :class:`~mmasm.engine.hooks.AtomicCheckpointHook` where the
    config has mmengine's ``CheckpointHook`` (same arguments)."""
    checkpoint = cfg.get('default_hooks', {}).get('checkpoint', None)
    if checkpoint is not None and checkpoint.get('type') in (
            'CheckpointHook', 'mmengine.CheckpointHook'):
        checkpoint.type = 'mmasm.AtomicCheckpointHook'


def enable_amp(cfg: Config) -> None:
    """What mmseg's ``--amp`` does (``AmpOptimWrapper``, dynamic loss scale),
    for single optim wrappers and for multi-network models' wrapper dicts
    (one entry per network, plus the top-level wrapper keys if any). Without
    a GPU (or NPU/MLU/MUSA), mmengine's fp16 wrapper cannot run: the
    wrappers become ``mmasm.BF16OptimWrapper`` (bfloat16 autocast, no loss
    scaling), which runs on CPUs, and ``mmasm.ChannelsLastHook`` is added
    (oneDNN's bfloat16 convolutions are fast in NHWC only)."""
    amp_type = 'AmpOptimWrapper' if amp_device_available(
    ) else 'mmasm.BF16OptimWrapper'
    optim_wrapper = cfg.optim_wrapper
    # a single wrapper's keys at the top level, network entries as values
    # (both in a multi-network config merged into an mmseg one)
    wrappers = [optim_wrapper] if 'optimizer' in optim_wrapper else []
    wrappers += [
        value for value in optim_wrapper.values()
        if isinstance(value, dict) and 'optimizer' in value
    ]
    for wrapper in wrappers:
        kind = wrapper.get('type', 'OptimWrapper')
        if kind not in ('OptimWrapper', 'AmpOptimWrapper',
                        'mmasm.BF16OptimWrapper'):
            raise ValueError(
                f'--amp needs OptimWrapper entries in optim_wrapper, got {kind}'
            )
        if kind == 'OptimWrapper':
            wrapper.type = amp_type
            if amp_type == 'AmpOptimWrapper':
                wrapper.setdefault('loss_scale', 'dynamic')
    hooks = list(cfg.get('custom_hooks', []))
    if amp_type != 'AmpOptimWrapper' and not any(
            h.get('type') in ('ChannelsLastHook', 'mmasm.ChannelsLastHook')
            for h in hooks):
        cfg.custom_hooks = hooks + [dict(type='mmasm.ChannelsLastHook')]


def build_runner(cfg) -> Runner:
    """The runner of a config, as mmseg's train.py builds it: the registered
    ``runner_type`` (mmasm's, mmseg's or mmengine's; looked up from mmasm's
    registry node, whatever default scope the process has) or ``Runner``.

    A config of another toolkit (``default_scope='mmpretrain'``) gets
    mmasm's registry nodes listed among that toolkit's (``join_toolkit``),
    so that its ``type='mmasm.X'`` entries build.

    mmasm's tools also check, before the first iteration, that the decode
    head (or a classifier's head) predicts as many classes as the training dataset names
    (``NumClassCheckHook``), and stop training at the first non-finite loss
    or weight (``NonFiniteCheckHook``), and check every dataset file's
    size, header and trailer before the first iteration
    (``DatasetFilesCheckHook``), unless the config already has these
    hooks.
    """
    from mmasm.registry import HOOKS, RUNNERS, TOOLKITS, join_toolkit
    if cfg.get(
            'default_scope') in TOOLKITS:  # e.g. mmpretrain configs: 'mmasm.X'
        join_toolkit(cfg.default_scope)
    if 'runner_type' in cfg:
        runner_cls = RUNNERS.get(cfg.runner_type)
        if runner_cls is None:
            raise KeyError(
                f'runner_type={cfg.runner_type!r} is not a registered runner')
    else:
        runner_cls = Runner
    runner = runner_cls.from_cfg(_named_apart(cfg))
    hooks = {type(hook).__name__ for hook in runner.hooks}
    for check in ('NumClassCheckHook', 'NonFiniteCheckHook',
                  'DatasetFilesCheckHook'):
        if check not in hooks:
            runner.register_hook(
                HOOKS.build(dict(type=check, _scope_='mmasm')))
    return runner


_RUNNERS_BUILT = itertools.count(1)


def _named_apart(cfg: Config) -> Config:
    """``cfg``, its experiment named apart from the runners this process
    built before it.

    mmengine names a runner's logger, message hub and visualizer
    ``{config name}_{timestamp to the second}`` and hands a runner the
    instances already made under its name: a second runner of the same config
    built within the same second logs into the first one's folder and
    counters. The second and later runners of a process get their number in
    the name (``{config name}_{k}_{timestamp}``); a set ``experiment_name`` is
    kept. Every rank builds its runners in the same order, so the names agree.
    """
    number = next(_RUNNERS_BUILT)
    if number == 1 or cfg.get('experiment_name') is not None:
        return cfg
    stem = 'run'
    if cfg.filename:
        stem = osp.splitext(osp.basename(cfg.filename))[0]
    cfg = cfg.copy()
    cfg.experiment_name = f'{stem}_{number}'
    return cfg


def amp_device_available() -> bool:
    """Whether mmengine's ``AmpOptimWrapper`` has a device to run on."""
    return (is_cuda_available() or is_npu_available() or is_mlu_available()
            or is_musa_available())


@contextmanager
def distributed_session():
    """Around a tool's run: leave the process group (if the run joined one)
    before the interpreter exits. Left to interpreter teardown, gloo's
    threads can be destroyed while still joinable and abort the process
    after training finished (seen on CPU ranks). After a finished run the
    ranks first meet at a barrier, so that none closes its connections
    while a peer still sends (a rank that raised skips it: its peers may
    never arrive)."""
    finished = False
    try:
        yield
        finished = True
    finally:
        if torch_dist.is_available() and torch_dist.is_initialized():
            if finished:  # no rank tears down while a peer still talks
                torch_dist.barrier()
            torch_dist.destroy_process_group()

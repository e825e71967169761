"""A runner that also trains distributed on CPU (gloo)."""
import datetime
import inspect
from typing import Dict, Optional

import torch.distributed as torch_dist
from mmengine.device import get_device
from mmengine.dist import is_distributed
from mmengine.model import is_model_wrapper, revert_sync_batchnorm
from mmengine.runner import Runner
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from mmasm.registry import MODEL_WRAPPERS, RUNNERS
from ..hooks.running_stats_sync_hook import (RunningStatsSyncHook,
                                             unsynchronised_norms)

CPU_BACKENDS = ('gloo', 'mpi')


def init_cpu_dist(launcher: str,
                  backend: Optional[str] = None,
                  **kwargs) -> None:
    """Join the process group of a ``torchrun`` launch without a GPU.

    mmengine's ``init_dist`` calls ``torch.cuda.set_device`` first, which
    fails without CUDA; NCCL needs GPUs too, so ``nccl`` (mmseg's default
    ``dist_cfg``) becomes ``gloo``.
    """
    if launcher != 'pytorch':
        raise ValueError(
            'CPUDistRunner: CPU distributed training supports launcher '
            f"'pytorch' (torchrun), got launcher={launcher!r}; start the "
            'processes with torchrun (e.g. `srun torchrun ...`)')
    if kwargs.get('timeout') is not None:
        kwargs['timeout'] = datetime.timedelta(seconds=kwargs['timeout'])
    if backend not in CPU_BACKENDS:
        backend = 'gloo'
    torch_dist.init_process_group(backend=backend, **kwargs)


@RUNNERS.register_module()
class CPUDistRunner(Runner):
    """mmengine's ``Runner`` that can also train distributed on CPU.

    With CUDA, or without distribution, it is ``Runner``. Distributed on CPU
    (``torchrun ... tools/train.py CFG --launcher pytorch`` on a machine
    without a GPU) it joins a gloo process group without
    ``torch.cuda.set_device``, reverts SyncBN to BN (SyncBN needs CUDA) and
    wraps the model in DDP with ``device_ids=None``. Distributed on any
    device it averages the running statistics of norm layers that are not
    SyncBN (plain BN, reverted SyncBN) over the ranks after every iteration
    (:class:`RunningStatsSyncHook`), so every rank validates, and the
    checkpoint holds, the same model. Select it with
    ``runner_type = 'CPUDistRunner'``.
    """

    @property
    def distributed_on_cpu(self) -> bool:
        """Whether this runner trains distributed without an accelerator."""
        return self.distributed and get_device() == 'cpu'

    def setup_env(self, env_cfg: Dict) -> None:
        if self.distributed_on_cpu and not is_distributed():
            init_cpu_dist(self.launcher, **env_cfg.get('dist_cfg', {}))
        super().setup_env(env_cfg)

    def wrap_model(self, model_wrapper_cfg: Optional[Dict],
                   model: nn.Module) -> nn.Module:
        if not self.distributed_on_cpu or is_model_wrapper(model):
            return super().wrap_model(model_wrapper_cfg, model)
        if self.cfg.get('sync_bn') is not None:
            self.logger.warning('sync_bn is ignored: SyncBN needs CUDA.')
        model = revert_sync_batchnorm(model.to('cpu'))
        return self._wrap_cpu_model(model_wrapper_cfg, model)

    def _wrap_cpu_model(self, model_wrapper_cfg: Optional[Dict],
                        model: nn.Module) -> nn.Module:
        """``Runner.wrap_model``'s DDP wrapping with ``device_ids=None``."""
        if model_wrapper_cfg is None:
            model_wrapper_cfg = dict(
                broadcast_buffers=False,
                find_unused_parameters=self.cfg.get('find_unused_parameters',
                                                    False))
        wrapper_cfg = dict(model_wrapper_cfg)
        wrapper_cfg.setdefault('type', 'MMDistributedDataParallel')
        wrapper_type = wrapper_cfg['type']
        if isinstance(wrapper_type, str):
            wrapper_type = MODEL_WRAPPERS.get(wrapper_type)
        if inspect.isclass(wrapper_type) and issubclass(
                wrapper_type, DistributedDataParallel):
            wrapper_cfg['device_ids'] = None  # a CPU module takes no devices
        return MODEL_WRAPPERS.build(
            wrapper_cfg, default_args=dict(module=model))

    def register_hooks(self, default_hooks=None, custom_hooks=None) -> None:
        super().register_hooks(default_hooks, custom_hooks)
        norms = unsynchronised_norms(self.model) if self.distributed else []
        if norms:
            self.register_hook(RunningStatsSyncHook(norms))

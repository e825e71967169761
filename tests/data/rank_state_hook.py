"""A test hook that saves each rank's model state (imported in torchrun
children via ``custom_imports``; tests/data is on their PYTHONPATH)."""
import os.path as osp

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmasm.registry import HOOKS


@HOOKS.register_module()
class RankStateDumpHook(Hook):
    """Save ``rank<r>_init.pth`` / ``rank<r>_final.pth`` in the work dir:
    state dict, parameter names (all and trainable), module class names and
    the wrapper."""

    def _dump(self, runner, when):
        model = runner.model
        if is_model_wrapper(model):
            model = model.module
        state = dict(
            state_dict={
                k: v.detach().clone()
                for k, v in model.state_dict().items()
            },
            parameter_names=[name for name, _ in model.named_parameters()],
            trainable_names=[
                name for name, param in model.named_parameters()
                if param.requires_grad
            ],
            module_types=sorted({type(m).__name__
                                 for m in model.modules()}),
            wrapper=type(runner.model).__name__,
            device_ids=getattr(runner.model, 'device_ids', None))
        torch.save(state,
                   osp.join(runner.work_dir, f'rank{runner.rank}_{when}.pth'))

    def before_train(self, runner):
        self._dump(runner, 'init')

    def after_train(self, runner):
        self._dump(runner, 'final')

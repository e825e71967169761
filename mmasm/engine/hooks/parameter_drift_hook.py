"""ParameterDriftHook: how far training has moved a network's weights."""
from typing import Dict, Optional

import torch
from mmengine.hooks import Hook

from mmasm.registry import HOOKS
from mmasm.utils import unwrap_model


def trainable_vector(module: torch.nn.Module) -> torch.Tensor:
    """The module's trainable parameters, flattened into one float64 copy."""
    params = [
        p.detach().reshape(-1).double() for p in module.parameters()
        if p.requires_grad
    ]
    if not params:
        raise ValueError(
            f'{type(module).__name__} has no trainable parameters')
    return torch.cat(params).cpu()


def submodule(model: torch.nn.Module, path: str) -> torch.nn.Module:
    """The module at the dotted attribute ``path`` under ``model`` (``''``:
    the model itself), naming the missing part."""
    module = model
    for name in filter(None, path.split('.')):
        if not hasattr(module, name):
            raise AttributeError(
                f'ParameterDriftHook: {type(module).__name__} has no '
                f'{name!r} (module path {path!r})')
        module = getattr(module, name)
    return module


@HOOKS.register_module()
class ParameterDriftHook(Hook):
    """Logs the relative update norm ``||theta_t - theta_0|| / ||theta_0||``
    of each named sub-network's trainable parameters every ``interval``
    iterations (``theta_0``: at the start of training), as ``drift/<name>``
    scalars of the runner's visualizer (``vis_data/scalars.json``, exact
    per iteration, not window-averaged) and a log line; and
    ``drift_off_axis/<name>``, the part orthogonal to ``theta_0``, which
    weight decay (a pure rescaling) cannot produce.

    A diagnostic, e.g. whether ASH's conditioning net moves at all under the
    paper's SGD 2.5e-4::

        custom_hooks = [dict(type='ParameterDriftHook', interval=50, modules=dict(
            hallucinator='hallucinator.conditioning_net', segmentor='segmentor'))]

    Args:
        modules: ``name -> attribute path`` under the (unwrapped) model;
            ``''`` is the model itself.
        interval: iterations between measurements (also after the last).
    """

    priority = 'LOW'

    def __init__(self, modules: Dict[str, str], interval: int = 50):
        if not modules:
            raise ValueError(
                'ParameterDriftHook needs at least one module to follow')
        if interval < 1:
            raise ValueError(
                f'ParameterDriftHook interval must be >= 1, got {interval}')
        self.modules = dict(modules)
        self.interval = interval
        self.initial: Optional[Dict[str, torch.Tensor]] = None

    def drift(self, runner) -> Dict[str, float]:
        """``drift/<name>``: ``||theta_t - theta_0|| / ||theta_0||``, and
        ``drift_off_axis/<name>``: the same for the part of ``theta_t``
        orthogonal to ``theta_0`` (weight decay alone only rescales
        ``theta_0``, so this part is the loss gradients' work)."""
        out = {}
        for name, path in self.modules.items():
            start = self.initial[name]
            now = trainable_vector(submodule(unwrap_model(runner.model), path))
            off_axis = now - (now @ start) / (start @ start) * start
            out[f'drift/{name}'] = ((now - start).norm() / start.norm()).item()
            out[f'drift_off_axis/{name}'] = (off_axis.norm() /
                                             start.norm()).item()
        return out

    def before_train(self, runner) -> None:
        # a resumed run measures from where it resumed (theta_0 is not saved)
        self.initial = {
            name:
            trainable_vector(submodule(unwrap_model(runner.model), path))
            for name, path in self.modules.items()
        }

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs=None) -> None:
        step = runner.iter + 1
        if step % self.interval and step != runner.max_iters:
            return
        drift = self.drift(runner)
        runner.visualizer.add_scalars(drift, step=step)
        runner.logger.info(f'parameter drift at iteration {step}: ' +
                           ', '.join(f'{k} {v:.3e}' for k, v in drift.items()))

"""Inverse-time decay: ``value / (1 + gamma * step)`` (RAIN pretraining)."""
from typing import Union

from mmengine.optim import BaseOptimWrapper
from mmengine.optim.scheduler.lr_scheduler import LRSchedulerMixin
from mmengine.optim.scheduler.param_scheduler import INF, _ParamScheduler
from torch.optim import Optimizer

from mmasm.registry import PARAM_SCHEDULERS


@PARAM_SCHEDULERS.register_module()
class InverseDecayParamScheduler(_ParamScheduler):
    """Decays a parameter as ``base / (1 + gamma * t)``, ``t`` the number of
    steps since ``begin``: the learning-rate policy of AdaIN and of the
    RAIN pretraining of the ASM authors (``gamma = 5e-5`` per iteration).

    mmengine has no scheduler of this shape (``ExponentialLR`` and
    ``PolyLR`` decay differently). Written in mmengine's chainable form,
    ``v_t = v_{t-1} * (1 + gamma (t - 1)) / (1 + gamma t)``, so it composes
    with other schedulers like mmengine's own.

    Args:
        optimizer: wrapped optimizer.
        param_name: the scheduled parameter, e.g. ``'lr'``.
        gamma: decay rate per step.
        begin, end, last_step, by_epoch, verbose: as in mmengine's
            schedulers.
    """

    def __init__(self,
                 optimizer: Union[Optimizer, BaseOptimWrapper],
                 param_name: str,
                 gamma: float,
                 begin: int = 0,
                 end: int = INF,
                 last_step: int = -1,
                 by_epoch: bool = True,
                 verbose: bool = False):
        if gamma < 0:
            raise ValueError(f'InverseDecay gamma must be >= 0, got {gamma}')
        self.gamma = gamma
        super().__init__(
            optimizer,
            param_name=param_name,
            begin=begin,
            end=end,
            last_step=last_step,
            by_epoch=by_epoch,
            verbose=verbose)

    def _get_value(self) -> list:
        t = self.last_step
        factor = 1.0 if t == 0 else (1 + self.gamma *
                                     (t - 1)) / (1 + self.gamma * t)
        return [
            group[self.param_name] * factor
            for group in self.optimizer.param_groups
        ]


@PARAM_SCHEDULERS.register_module()
class InverseDecayLR(LRSchedulerMixin, InverseDecayParamScheduler):
    """Learning rate ``lr / (1 + gamma * t)``; see
    :class:`InverseDecayParamScheduler`. RAIN: ``gamma=5e-5``, per
    iteration (``by_epoch=False``)."""

"""Stop training at the first non-finite loss or weight, before a
non-finite checkpoint is written."""
from typing import Iterable, List, Optional, Tuple

import torch
from mmengine.hooks import Hook
from mmengine.optim import AmpOptimWrapper, OptimWrapperDict

from mmasm.registry import HOOKS

#: How many names an error lists.
MAX_LISTED = 8


def non_finite_names(named: Iterable[Tuple[str, torch.Tensor]]) -> List[str]:
    """Names of the floating-point tensors in ``named`` that hold a NaN or
    an infinity. Fast path: one float32 sum per tensor and one device
    synchronisation (a NaN or infinity makes its sum non-finite; finite
    weights summing past 3e38 do not occur); only then each tensor is
    searched."""
    named = [(name, t.detach()) for name, t in named
             if torch.is_tensor(t) and t.is_floating_point()]
    if not named:
        return []
    sums = torch.stack([t.sum(dtype=torch.float32).cpu() for _, t in named])
    if bool(sums.isfinite().all()):
        return []
    return [name for name, t in named if not bool(t.isfinite().all())]


def listed(names: List[str]) -> str:
    more = f' (and {len(names) - MAX_LISTED} more)' if len(
        names) > MAX_LISTED else ''
    return ', '.join(names[:MAX_LISTED]) + more


@HOOKS.register_module()
class NonFiniteCheckHook(Hook):
    """Stop the run at the first iteration whose loss terms (the logged
    values whose key contains ``loss``, as mmengine's ``parse_losses`` sums
    them; not metrics such as ``acc_seg``, which is NaN for a crop of
    ignored pixels) or trainable
    weights (and floating-point buffers, e.g. BN running statistics) are
    NaN or infinite, naming the iteration and the terms; refuse to save a
    checkpoint holding a non-finite tensor.

    A NaN loss (e.g. ``data_preprocessor.std`` of 0) otherwise trains on
    with exit code 0 and writes NaN checkpoints, rotating the good ones out
    under ``max_keep_ckpts``. Stopping (not skipping the step) is the
    choice: a NaN once in the weights stays there. Checking the weights
    after the step covers every training step of the iteration, also
    those a hook runs before the loop's own (ASM's style search) and every
    network of a multi-network model (ASH, LRM); a non-finite gradient
    shows as non-finite weights after the optimizer step.

    Mixed precision: an ``AmpOptimWrapper``'s loss scaler skips a step whose
    gradients overflow and lowers the scale, leaving the weights finite, so
    its skips are not stopped; a non-finite loss under a loss scaler is
    tolerated for ``amp_patience`` consecutive iterations (the scaler's own
    retries), then stops the run.

    Args:
        interval (int): check the weights every ``interval`` iterations
            (loss terms: every iteration). Defaults to 1.
        amp_patience (int): consecutive non-finite losses allowed under a
            loss scaler. Defaults to 10.
    """
    priority = 'VERY_HIGH'  # before logging, validation and checkpoints

    def __init__(self, interval: int = 1, amp_patience: int = 10):
        self.interval = interval
        self.amp_patience = amp_patience
        self._non_finite_losses = 0

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        iteration = runner.iter + 1  # as the log numbers it
        terms = dict(outputs or {})
        bad = non_finite_names(
            (k, torch.as_tensor(v, dtype=torch.float32))
            for k, v in terms.items()
            if 'loss' in k and isinstance(v, (float, int, torch.Tensor)))
        self._non_finite_losses = self._non_finite_losses + 1 if bad else 0
        if bad and not (self._loss_scaled(runner)
                        and self._non_finite_losses <= self.amp_patience):
            values = ', '.join(
                f'{k}={float(torch.as_tensor(terms[k]).float().mean()):g}'
                for k in bad)
            raise FloatingPointError(
                f'iteration {iteration}: non-finite loss terms ({values}); '
                f'training stopped before the weights are saved. Check the '
                f'inputs (e.g. data_preprocessor std of 0, images that decode '
                f'to NaN), the learning rate and the loss weights.')
        if self.every_n_train_iters(runner, self.interval):
            self._check_weights(runner, iteration)

    @staticmethod
    def _check_weights(runner, iteration: int) -> None:
        model = runner.model
        named = [(n, p) for n, p in model.named_parameters()
                 if p.requires_grad]
        bad = non_finite_names(named + list(model.named_buffers()))
        if bad:
            raise FloatingPointError(
                f'iteration {iteration}: non-finite weights after the '
                f'optimizer step ({listed(bad)}): a gradient or update was '
                f'NaN or infinite; training stopped before the weights are '
                f'saved.')

    @staticmethod
    def _loss_scaled(runner) -> bool:
        wrapper = runner.optim_wrapper
        wrappers = (
            wrapper.values()
            if isinstance(wrapper, OptimWrapperDict) else [wrapper])
        return any(isinstance(w, AmpOptimWrapper) for w in wrappers)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        bad = non_finite_names(checkpoint.get('state_dict', {}).items())
        if bad:
            raise FloatingPointError(
                f'refusing to save a checkpoint at iteration {runner.iter}: '
                f'non-finite tensors {listed(bad)}')

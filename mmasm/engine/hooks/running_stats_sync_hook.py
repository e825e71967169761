"""Keep normalisation layers' running statistics identical on all ranks."""
from typing import Iterable, List, Optional

from mmengine.dist import all_reduce_params
from mmengine.hooks import Hook
from torch import nn
from torch.nn.modules.batchnorm import _NormBase


def unsynchronised_norms(model: nn.Module) -> List[nn.Module]:
    """Norm layers of ``model`` that track running statistics of their own
    rank's batches: BN (plain, or SyncBN reverted to BN on CPU), instance
    norm with ``track_running_stats``; not SyncBN, which syncs itself."""
    return [
        module for module in model.modules()
        if isinstance(module, _NormBase) and module.track_running_stats
        and type(module).__name__ != 'SyncBatchNorm'
    ]


class RunningStatsSyncHook(Hook):
    """Average the running mean / var of norm layers over the ranks after
    every training iteration, so validation, checkpoints and every rank see
    the same statistics (``tools/test.py`` on a checkpoint then reproduces
    distributed validation).

    Each rank's BN would otherwise track its own batches: DDP syncs
    gradients, not buffers. Running statistics are exponential moving
    averages, so averaging them every iteration tracks the mean of the ranks'
    batch means exactly (and the variance up to the spread of the ranks'
    means), as SyncBN's statistics do; the normalisation itself still uses
    each rank's own batch statistics. Runs before ``CheckpointHook`` and the
    validation that follows an iteration. :class:`CPUDistRunner` registers
    it for distributed runs.
    """

    priority = 'ABOVE_NORMAL'

    def __init__(self, norms: Iterable[nn.Module]) -> None:
        self.norms = list(norms)

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch: Optional[dict] = None,
                         outputs: Optional[dict] = None) -> None:
        statistics = [
            statistic for norm in self.norms
            for statistic in (norm.running_mean, norm.running_var)
            if statistic is not None
        ]
        all_reduce_params(statistics, op='mean')

"""Keep reverted SyncBN layers' running statistics identical on all ranks."""
from typing import Iterable, Optional

from mmengine.dist import all_reduce_params
from mmengine.hooks import Hook
from torch import nn


class RevertedSyncBNHook(Hook):
    """Average the running mean / var of reverted SyncBN layers over the
    ranks after every training iteration.

    SyncBN keeps its running statistics identical on all ranks; after
    :class:`CPUDistRunner` reverts it to BN each rank would drift on its own
    batches. Running statistics are exponential moving averages, so averaging
    them each iteration tracks the mean of the ranks' batch means exactly (and
    the variance up to the spread of the ranks' means). The normalisation
    itself still uses each rank's own batch statistics. Runs before
    ``CheckpointHook`` so checkpoints and validation see synchronised values.
    """

    priority = 'ABOVE_NORMAL'

    def __init__(self, batch_norms: Iterable[nn.Module]) -> None:
        self.batch_norms = list(batch_norms)

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch: Optional[dict] = None,
                         outputs: Optional[dict] = None) -> None:
        statistics = [
            statistic for norm in self.batch_norms
            for statistic in (norm.running_mean, norm.running_var)
            if statistic is not None
        ]
        all_reduce_params(statistics, op='mean')

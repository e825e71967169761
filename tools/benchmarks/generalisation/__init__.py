"""The demo's generalisation benchmark: arms x target domains x seeds,
recipe chosen on the dev domains, reported on the test domains
(``python -m tools.benchmarks.generalisation``)."""
from .arms import ARMS, NEIGHBOURS, TARGET_FREE
from .grid import Run, evaluate_checkpoint, grid, read_result, run_grid
from .report import report_markdown
from .stats import bootstrap_interval, paired_differences

__all__ = [
    'ARMS', 'NEIGHBOURS', 'TARGET_FREE', 'Run', 'grid', 'run_grid',
    'read_result', 'evaluate_checkpoint', 'report_markdown',
    'bootstrap_interval', 'paired_differences'
]

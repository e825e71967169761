"""The demo ablation (``python -m tools.benchmarks.bench_demo_ablation``):
its runs, its report, and the label-consistency scores of the generators
its arms train (``python -m tools.benchmarks.bench_label_consistency``)."""
from .report import mean_iou, summary_tables, write_benchmark_report
from .runs import LRM_CONFIGS, run_arm, run_benchmark, train_translator

__all__ = [
    'LRM_CONFIGS', 'mean_iou', 'run_arm', 'run_benchmark', 'summary_tables',
    'train_translator', 'write_benchmark_report'
]

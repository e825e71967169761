"""The demo: mmasm's procedural domain pair (:mod:`mmasm.demo.domains`),
the quickstart's steps and report, and the adaptation benchmark on the pair
(``tools/quickstart.py``, ``tools/benchmarks/ablation.py``)."""
from .arms import (ARM_LABELS, DEFAULT_DATA, DEFAULT_RAIN, DEMO_ARMS,
                   asm_hook_config, demo_config)
from .benchmark import (one_shot_images, run_arm, run_benchmark,
                        train_translator)
from .benchmark_report import (bar_chart, mean_iou, summary_tables,
                               write_benchmark_report)
from .domains import make_demo_domains
from .quickstart import demo_domains, pretrain_rain, run_quickstart, train_arm
from .report import write_report

__all__ = [
    'ARM_LABELS', 'DEFAULT_DATA', 'DEFAULT_RAIN', 'DEMO_ARMS', 'demo_config',
    'asm_hook_config', 'make_demo_domains', 'demo_domains', 'pretrain_rain',
    'train_arm', 'run_quickstart', 'write_report', 'one_shot_images',
    'train_translator', 'run_arm', 'run_benchmark', 'mean_iou',
    'summary_tables', 'bar_chart', 'write_benchmark_report'
]

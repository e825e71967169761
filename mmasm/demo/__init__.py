"""The demo: mmasm's procedural domain pair (:mod:`mmasm.demo.domains`), the
digits pair (:mod:`mmasm.demo.digits`), the arms' configs, and the
quickstart's steps and report (``tools/quickstart.py``). The benchmarks that
run the arms live in ``tools/benchmarks/``."""
from .arms import (ARM_LABELS, DEFAULT_DATA, DEFAULT_RAIN, DEMO_ARMS,
                   asm_hook_config, demo_config, one_shot_image,
                   one_shot_images)
from .charts import bar_chart
from .domains import make_demo_domains
from .quickstart import demo_domains, pretrain_rain, run_quickstart, train_arm
from .report import write_report

__all__ = [
    'ARM_LABELS', 'DEFAULT_DATA', 'DEFAULT_RAIN', 'DEMO_ARMS', 'demo_config',
    'asm_hook_config', 'one_shot_image', 'one_shot_images',
    'make_demo_domains', 'demo_domains', 'pretrain_rain', 'train_arm',
    'run_quickstart', 'write_report', 'bar_chart'
]

"""The demo ablation's report: tables and bar chart (``ablation.md``,
``ablation.png``, ``results.json``)."""
import json
import os.path as osp
from typing import Dict, Iterable

import numpy as np

from mmasm.demo import ARM_LABELS, bar_chart

#: arm -> seed -> metrics (``mIoU13``, ``IoU.<class>``, ...)
Results = Dict[str, Dict[int, dict]]


def mean_iou(runs: Iterable[dict], name: str) -> float:
    """Mean IoU of class ``name`` over runs whose val split contains it."""
    values = [r[f'IoU.{name}'] for r in runs if not np.isnan(r[f'IoU.{name}'])]
    return float(np.mean(values)) if values else float('nan')


def summary_tables(results: Results, classes) -> str:
    """Markdown: mIoU13 mean / std / per seed, then per-class IoU means."""
    seeds = sorted({s for runs in results.values() for s in runs})
    lines = [
        '| arm | mIoU13 mean | std | ' + ' | '.join(f'seed {s}'
                                                    for s in seeds) + ' |',
        '|---' * (3 + len(seeds)) + '|'
    ]
    for arm, runs in results.items():
        values = [runs[s]['mIoU13'] for s in seeds if s in runs]
        lines.append(
            f'| {ARM_LABELS[arm]} | {np.mean(values):.2f} | {np.std(values):.2f} | '
            + ' | '.join(f'{runs[s]["mIoU13"]:.2f}' if s in runs else '-'
                         for s in seeds) + ' |')
    lines += [
        '', '| class | ' + ' | '.join(results) + ' |',
        '|---' * (1 + len(results)) + '|'
    ]
    for name in classes:
        means = [mean_iou(runs.values(), name) for runs in results.values()]
        lines.append(f'| {name} | ' + ' | '.join(f'{m:.1f}'
                                                 for m in means) + ' |')
    return '\n'.join(lines)


def write_benchmark_report(work_dir: str, results: Results, meta: dict) -> str:
    """Write ``ablation.md`` (tables over the classes of the pair's ``meta``
    that some run measured), ``ablation.png`` and ``results.json`` into
    ``work_dir``; returns the tables."""
    runs = [r for arm_runs in results.values() for r in arm_runs.values()]
    classes = [
        c['name'] for c in meta['classes']
        if not np.isnan(mean_iou(runs, c['name']))
    ]
    table = summary_tables(results, classes)
    bar_chart(results, osp.join(work_dir, 'ablation.png'))
    with open(osp.join(work_dir, 'ablation.md'), 'w') as f:
        f.write(
            f'# Demo adaptation benchmark\n\n{table}\n\n![ablation](ablation.png)\n'
        )
    with open(osp.join(work_dir, 'results.json'), 'w') as f:
        json.dump(results, f, indent=1)
    return table

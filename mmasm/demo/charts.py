"""The demo benchmarks' bar chart: one metric per arm over seeds."""
from typing import Dict

import numpy as np

#: arm -> seed -> metrics (``mIoU13``, ``IoU.<class>``, ...)
Results = Dict[str, Dict[int, dict]]


def bar_chart(results: Results,
              out_file: str,
              metric: str = 'mIoU13',
              ylabel: str = 'target val mIoU13 (%)',
              pair: str = 'Demo pair') -> None:
    """``metric`` per arm: mean bar, std error bar and one dot per run."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    arms = list(results)
    values = [[r[metric] for r in results[a].values()] for a in arms]
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.bar(
        range(len(arms)), [np.mean(v) for v in values],
        yerr=[np.std(v) for v in values],
        capsize=4,
        color=[
            '0.6' if a in ('source-only', 'target-supervised') else 'tab:blue'
            for a in arms
        ])
    for i, v in enumerate(values):
        ax.scatter([i] * len(v), v, c='k', s=10, zorder=3)
    ax.set_xticks(range(len(arms)), arms, rotation=20)
    ax.set_ylabel(ylabel)
    ax.set_title(f'{pair}, one-shot, {len(values[0])} seeds (mean, std, runs)')
    fig.tight_layout()
    fig.savefig(out_file, dpi=120)
    plt.close(fig)

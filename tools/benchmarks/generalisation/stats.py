"""Paired differences between arms and their percentile bootstrap
intervals over (domain, seed) pairs."""
from typing import Dict, Hashable, List, Tuple

import numpy as np


def paired_differences(a: Dict[Hashable, float],
                       b: Dict[Hashable, float]) -> List[float]:
    """``a[k] - b[k]`` for every key ``k`` both measured, in key order."""
    keys = sorted(set(a) & set(b))
    return [float(a[k]) - float(b[k]) for k in keys]


def bootstrap_interval(values,
                       num_resamples: int = 10000,
                       level: float = 0.95,
                       seed: int = 0) -> Tuple[float, float, float]:
    """``(mean, low, high)``: the mean of ``values`` and its percentile
    bootstrap interval at ``level`` (``num_resamples`` resamples with
    replacement, drawn from ``numpy.random.default_rng(seed)``)."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f'bootstrap_interval needs a non-empty 1-D list of '
                         f'values, got shape {values.shape}')
    if not 0 < level < 1:
        raise ValueError(f'level must be in (0, 1), got {level}')
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, values.size, (num_resamples, values.size))
    means = values[picks].mean(axis=1)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(values.mean()), float(low), float(high)

"""The generalisation benchmark's tables: per arm the mean over the split's
domains and seeds, each domain's mean, and paired differences with 95 %
bootstrap intervals over (domain, seed) pairs."""
from typing import Dict, Iterable, List, Sequence, Tuple

import numpy as np

from .arms import ARMS, METRIC, NEIGHBOURS
from .stats import bootstrap_interval, paired_differences

#: arm -> (domain, seed) -> metric
Scores = Dict[str, Dict[Tuple[str, int], float]]


def scores_of(records: Iterable[dict], metric: str = METRIC) -> Scores:
    """Result records (each with its ``arm``, ``domain`` and ``seed``, as
    the cache's ``result.json`` and ``results_<split>.json`` hold them) ->
    arm -> (domain, seed) -> ``metric``."""
    scores: Scores = {}
    for record in records:
        cell = (record['domain'], int(record['seed']))
        scores.setdefault(record['arm'], {})[cell] = float(record[metric])
    return scores


def interval_text(a: Dict, b: Dict, seed: int = 0) -> str:
    differences = paired_differences(a, b)
    if not differences:
        return '-'
    mean, low, high = bootstrap_interval(differences, seed=seed)
    return f'{mean:+.2f} [{low:+.2f}, {high:+.2f}] (n={len(differences)})'


def domain_means(cells: Dict, domains: Sequence[str]) -> List[str]:
    """Each domain's mean over its seeds, formatted (``-`` if none ran)."""
    per_domain = [[v for (d, _), v in cells.items() if d == domain]
                  for domain in domains]
    return [f'{np.mean(v):.2f}' if v else '-' for v in per_domain]


def arm_table(scores: Scores, domains: Sequence[str]) -> List[str]:
    lines = [
        '| arm | mean | ' + ' | '.join(domains) +
        ' | vs source only, 95 % CI |', '|---' * (3 + len(domains)) + '|'
    ]
    baseline = scores.get('source-only', {})
    for arm, cells in scores.items():
        means = domain_means(cells, domains)
        versus = '' if arm == 'source-only' else interval_text(cells, baseline)
        lines.append(f'| {ARMS[arm][1]} | {np.mean(list(cells.values())):.2f}'
                     f' | ' + ' | '.join(means) + f' | {versus} |')
    return lines


def neighbour_table(scores: Scores) -> List[str]:
    lines = ['| comparison | paired difference, 95 % CI |', '|---|---|']
    for arm, other in NEIGHBOURS:
        if arm in scores and other in scores:
            lines.append(f'| {ARMS[arm][1]} - {ARMS[other][1]} | '
                         f'{interval_text(scores[arm], scores[other])} |')
    return lines


def report_markdown(records: Iterable[dict], split: str,
                    domains: Sequence[str]) -> str:
    """The Markdown report of result records, arms in their order."""
    records = list(records)
    scores = scores_of(records)
    seeds = sorted({int(record['seed']) for record in records})
    return '\n'.join([
        f'# Demo generalisation benchmark: {split} domains', '',
        f'Target val {METRIC} (mean over the classes present); domains '
        f'{", ".join(domains)}; seeds {", ".join(map(str, seeds))}. '
        'Intervals: percentile bootstrap over the (domain, seed) pairs '
        'both arms finished (10000 resamples, seed 0).', '',
        *arm_table(scores, domains), '', *neighbour_table(scores), ''
    ])


def recipe_markdown(results: Dict[str, dict], split: str,
                    domains: Sequence[str], current: str) -> str:
    """The dev rule's table: per recipe (``{name: [record, ...]}``) the
    ASM mean over ``domains`` and seeds, each domain's mean, and the paired
    difference to the ``current`` recipe."""
    scores = {name: scores_of(r).get('asm', {}) for name, r in results.items()}
    lines = [
        f'# Demo recipes: ASM {METRIC} on the {split} domains', '',
        '| recipe | runs | mean | ' + ' | '.join(domains) +
        f' | vs {current}, 95 % CI |', '|---' * (4 + len(domains)) + '|'
    ]
    for name, cells in scores.items():
        means = domain_means(cells, domains)
        mean = f'{np.mean(list(cells.values())):.2f}' if cells else '-'
        versus = '' if name == current else interval_text(
            cells, scores[current])
        lines.append(f'| {name} | {len(cells)} | {mean} | ' +
                     ' | '.join(means) + f' | {versus} |')
    return '\n'.join(lines + [''])

"""Where do LRM's translations go on each domain? The demo benchmark's
label-consistency scores (:mod:`tools.benchmarks.demo_ablation.style_scores`)
per target domain and seed.

The domain's target-supervised segmentor of that seed (it knows what the
domain looks like) segments the first source images, raw and after the LRM
arm's translator towards the seed's one-shot image. Each is scored against
the source labels (does the translation keep the scene?) and against the
one-shot image's labels (does it take on the one-shot image's layout?).
Both come from the cached ``lrm`` and ``target-supervised`` runs.
"""
from typing import List, Sequence

import numpy as np

from tools.benchmarks.demo_ablation.style_scores import score_seed
from .grid import Context, Run, read_result
from .report import Scores, domain_means, interval_text

#: score name (as :func:`score_seed` returns it) -> row label
ROWS = {
    'source':
    'source images, against their own labels',
    'lrm':
    'LRM translations, against the source labels',
    'source@one-shot-layout':
    "source images, against the one-shot image's "
    'labels',
    'lrm@one-shot-layout':
    "LRM translations, against the one-shot image's "
    'labels',
}
#: (translated, raw, label): the rows compared pair by pair
COMPARISONS = (
    ('lrm', 'source', 'LRM - source, against the source labels'),
    ('lrm@one-shot-layout', 'source@one-shot-layout',
     "LRM - source, against the one-shot image's labels"),
)


def label_consistency(ctx: Context,
                      domains: Sequence[str],
                      seeds: Sequence[int],
                      num_images: int = 100) -> Scores:
    """Every :data:`ROWS` score of every (domain, seed), plus the scorers'
    own target val mIoU13 (``'scorer'``): score name -> (domain, seed) ->
    mIoU13."""
    scores: Scores = {name: {} for name in (*ROWS, 'scorer')}
    for domain in domains:

        def folder(arm: str, seed: int, domain: str = domain) -> str:
            return Run(arm, domain, seed).trained_folder(ctx.work_dir)

        for seed in seeds:
            result = score_seed(folder, ctx.domain_dirs[domain], ctx.rain
                                or '', seed, ('source', 'lrm'), num_images, 4)
            for name in ROWS:
                scores[name][(domain, seed)] = result[name]['mIoU']
            scorer = read_result(
                Run('target-supervised', domain, seed), ctx.work_dir)
            if scorer is not None:
                scores['scorer'][(domain, seed)] = scorer['mIoU13']
    return scores


def consistency_markdown(scores: Scores, split: str,
                         domains: Sequence[str]) -> str:
    """Each score's mean and per-domain means; each translated-minus-raw
    difference with its bootstrap interval over the (domain, seed)
    pairs."""
    lines: List[str] = [
        f'# Label consistency of the LRM translations: {split} domains', '',
        '| images segmented | mean | ' + ' | '.join(domains) + ' |',
        '|---' * (2 + len(domains)) + '|'
    ]
    rows = dict(ROWS, scorer="(the scorer's own target val mIoU13)")
    for name, label in rows.items():
        cells = scores.get(name, {})
        if cells:
            lines.append(
                f'| {label} | {np.mean(list(cells.values())):.2f} | ' +
                ' | '.join(domain_means(cells, domains)) + ' |')
    lines += ['', '| comparison | paired difference, 95 % CI |', '|---|---|']
    for translated, raw, label in COMPARISONS:
        lines.append(f'| {label} | '
                     f'{interval_text(scores[translated], scores[raw])} |')
    return '\n'.join(lines + [''])

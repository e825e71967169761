"""The adaptation benchmark: the arms of the ASM paper's Table 4 (plus ASH
and LRM) on the demo domain pair, with several one-shot images (seeds).

    python tools/benchmarks/ablation.py [--seeds 0 1 2] [--arms ...]

Every arm trains the same small DeepLab-v2 on the same data for the same
number of optimizer steps (configs in ``quickstart.DEMO_ARMS``; LRM first
trains its translator on the seed's one-shot image); seed ``s`` uses
the ``s``-th target train image as the one-shot image and ``s`` as the
training seed. Reports target-val mIoU13 (mean and std over seeds) and
per-class IoU, with the fully supervised target model as the upper bound,
as ``WORK_DIR/ablation.md`` and ``WORK_DIR/ablation.png``. Finished runs
(``WORK_DIR/<arm>/seed<s>/metrics.json``) are reused; ``--force`` reruns.
The demo pair and its RAIN come from ``tools/quickstart.py``'s steps.
"""
import argparse
import glob
import json
import os.path as osp
import sys
import time

import numpy as np

TOOLS = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, TOOLS)

import quickstart  # noqa: E402

#: arm -> label; configs in quickstart.DEMO_ARMS
ARMS = {
    'source-only': 'source only',
    'random': 'RAIN, random styles (eps ~ N(0, I))',
    'anchored': 'RAIN, anchored styles (eps ~ N(psi, xi))',
    'asm': 'ASM (anchored + adversarial search)',
    'ash': 'ASH (zero-shot: style folder, no target image)',
    'lrm': 'LRM (one-shot translation, trained per one-shot image)',
    'target-supervised': 'target supervised (upper bound)',
}
LRM_CONFIG = osp.join(quickstart.REPO, 'configs', 'lrm', 'lrm_tiny_demo.py')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', default='work_dirs/ablation')
    parser.add_argument('--data', default=quickstart.DEFAULT_DATA)
    parser.add_argument('--rain-dir', default=osp.dirname(quickstart.DEFAULT_RAIN),
                        help='where the demo RAIN is (trained there if missing)')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--arms', nargs='+', default=list(ARMS), choices=list(ARMS))
    parser.add_argument('--max-steps', type=int, default=None,
                        help='optimizer steps per run (default: the configs\')')
    parser.add_argument('--lrm-iters', type=int, default=None,
                        help='LRM translator iterations (default: the config\'s)')
    parser.add_argument('--force', action='store_true', help='rerun finished runs')
    return parser.parse_args(argv)


def one_shot_images(data: str, meta: dict, seeds):
    """Seed ``s`` -> the ``s``-th target train image (relative to the target
    root); seed 0 is the pair's own one-shot image."""
    target = osp.join(data, 'target')
    files = sorted(glob.glob(osp.join(target, 'leftImg8bit', 'train', '*', '*.png')))
    first = meta['target']['one_shot_image']
    files = [osp.relpath(f, target) for f in files]
    files.remove(first)
    ordered = [first] + files
    if max(seeds) >= len(ordered):
        raise ValueError(f'seed {max(seeds)} needs {max(seeds) + 1} target train images, '
                         f'{target} has {len(ordered)}')
    return {s: ordered[s] for s in seeds}


def train_translator(work_dir, data, one_shot, seed, iters=None) -> str:
    """The LRM arm's translator for this one-shot image (tools/train_lrm.py)."""
    import train_lrm
    translator_dir = osp.join(work_dir, 'translator')
    exported = osp.join(translator_dir, 'lrm_translator.pth')
    if osp.isfile(exported):
        return exported
    options = [f'train_dataloader.dataset.source.data_root={data}/source/images',
               f'train_dataloader.dataset.target={osp.join(data, "target", one_shot)}',
               f'randomness.seed={seed}']
    if iters:
        options.append(f'train_cfg.max_iters={iters}')
    quickstart.log(f'training the LRM translator for {one_shot} ...')
    train_lrm.main([LRM_CONFIG, '--work-dir', translator_dir, '--cfg-options', *options])
    return exported


def run(arm, seed, args, rain, one_shot) -> dict:
    work_dir = osp.join(args.work_dir, arm, f'seed{seed}')
    done = osp.join(work_dir, 'metrics.json')
    if osp.isfile(done) and not args.force:
        with open(done) as f:
            return json.load(f)
    translator = train_translator(work_dir, args.data, one_shot, seed,
                                  args.lrm_iters) if arm == 'lrm' else None
    _, metrics = quickstart.train_arm(arm, work_dir, args.data, rain, one_shot, seed,
                                      args.max_steps, translator)
    metrics['one_shot_image'] = one_shot
    with open(done, 'w') as f:
        json.dump(metrics, f, indent=1)
    return metrics


def mean_iou(runs, name: str) -> float:
    """Mean IoU of class ``name`` over runs whose val split contains it."""
    values = [r[f'IoU.{name}'] for r in runs if not np.isnan(r[f'IoU.{name}'])]
    return float(np.mean(values)) if values else float('nan')


def summary_tables(results: dict, classes) -> str:
    """Markdown: mIoU13 mean / std / per seed, then per-class IoU means."""
    seeds = sorted({s for runs in results.values() for s in runs})
    lines = ['| arm | mIoU13 mean | std | ' + ' | '.join(f'seed {s}' for s in seeds) + ' |',
             '|---' * (3 + len(seeds)) + '|']
    for arm, runs in results.items():
        values = [runs[s]['mIoU13'] for s in seeds if s in runs]
        lines.append(f'| {ARMS[arm]} | {np.mean(values):.2f} | {np.std(values):.2f} | '
                     + ' | '.join(f'{runs[s]["mIoU13"]:.2f}' if s in runs else '-'
                                  for s in seeds) + ' |')
    lines += ['', '| class | ' + ' | '.join(results) + ' |', '|---' * (1 + len(results)) + '|']
    for name in classes:
        means = [mean_iou(runs.values(), name) for runs in results.values()]
        lines.append(f'| {name} | ' + ' | '.join(f'{m:.1f}' for m in means) + ' |')
    return '\n'.join(lines)


def bar_chart(results: dict, out_file: str) -> None:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    arms = list(results)
    values = [[r['mIoU13'] for r in results[a].values()] for a in arms]
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.bar(range(len(arms)), [np.mean(v) for v in values],
           yerr=[np.std(v) for v in values], capsize=4,
           color=['0.6' if a in ('source-only', 'target-supervised') else 'tab:blue'
                  for a in arms])
    for i, v in enumerate(values):
        ax.scatter([i] * len(v), v, c='k', s=10, zorder=3)
    ax.set_xticks(range(len(arms)), arms, rotation=20)
    ax.set_ylabel('target val mIoU13 (%)')
    ax.set_title(f'Demo pair, one-shot, {len(values[0])} seeds (mean, std, runs)')
    fig.tight_layout()
    fig.savefig(out_file, dpi=120)
    plt.close(fig)


def main(argv=None):
    args = parse_args(argv)
    start = time.time()
    meta = quickstart.demo_domains(args.data)
    rain = quickstart.pretrain_rain(args.rain_dir, args.data)
    shots = one_shot_images(args.data, meta, args.seeds)
    results = {arm: {} for arm in args.arms}
    for seed in args.seeds:
        for arm in args.arms:
            results[arm][seed] = run(arm, seed, args, rain, shots[seed])
    runs = [r for arm_runs in results.values() for r in arm_runs.values()]
    classes = [c['name'] for c in meta['classes']
               if not np.isnan(mean_iou(runs, c['name']))]
    table = summary_tables(results, classes)
    bar_chart(results, osp.join(args.work_dir, 'ablation.png'))
    with open(osp.join(args.work_dir, 'ablation.md'), 'w') as f:
        f.write(f'# Demo adaptation benchmark\n\n{table}\n\n![ablation](ablation.png)\n')
    with open(osp.join(args.work_dir, 'results.json'), 'w') as f:
        json.dump(results, f, indent=1)
    print(table)
    quickstart.log(f'ablation done in {time.time() - start:.0f} s: '
                   f'{osp.join(args.work_dir, "ablation.md")}')


if __name__ == '__main__':
    main()

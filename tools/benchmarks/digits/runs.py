"""The digits demo benchmark: the ASM paper's Table 4 arms through
mmpretrain on the digits demo pair, one run per arm and seed.

Every arm trains the same small ResNet-18 (``configs/demo_digits/``) on
batches of 16 for the same 1500 optimizer steps; seed ``s`` uses the pair's
``s``-th one-shot image (``meta.json``) and ``s`` as the training seed.
The metric is top-1 accuracy on the labelled target test split, measured
once at the end of each run (no model selection on it). Finished runs
(``WORK_DIR/<arm>/seed<s>/metrics.json``) are reused unless ``force``.
"""
import json
import os.path as osp
import time
from typing import Dict, Sequence

import numpy as np
from mmengine.config import Config

from mmasm.apis import train_config
from mmasm.demo.arms import config_path
from mmasm.demo.charts import bar_chart
from mmasm.demo.digits import make_digit_domains
from mmasm.demo.quickstart import log

#: the arms in table order: name -> (config relative to mmasm's configs, label)
DIGIT_ARMS = {
    'source-only': ('demo_digits/source-only_digits.py', 'source only'),
    'random':
    ('demo_digits/random_digits.py', 'RAIN, random styles (eps ~ N(0, I))'),
    'anchored': ('demo_digits/anchored_digits.py',
                 'RAIN, anchored styles (eps ~ N(psi, xi))'),
    'asm': ('demo_digits/asm_digits.py',
            'ASM (anchored + adversarial search, n = 5)'),
    'target-supervised':
    ('demo_digits/target-supervised_digits.py',
     'target supervised (1000 labelled target images, upper bound)'),
}
DIGITS_DATA = 'data/digits'
DIGITS_RAIN = 'work_dirs/rain_digits-relu2_1/rain_digits-relu2_1.pth'
RAIN_CONFIG = 'rain/rain_digits-relu2_1_cpu.py'
METRIC = 'accuracy/top1'


def digits_pair(data: str) -> dict:
    """The pair's ``meta.json``, rendering the pair first if missing."""
    if not osp.isfile(osp.join(data, 'meta.json')):
        log(f'rendering the digits demo pair into {data} ...')
        make_digit_domains(data)
    with open(osp.join(data, 'meta.json')) as file:
        return json.load(file)


def digits_rain(rain: str, data: str) -> str:
    """The digits RAIN, pretrained into ``rain``'s folder if missing."""
    if not osp.isfile(rain):
        log(f'pretraining the digits RAIN into {osp.dirname(rain)} ...')
        train_config(
            config_path(RAIN_CONFIG), osp.dirname(rain), {
                'train_dataloader.dataset.content.data_root':
                osp.join(data, 'source', 'train'),
                'train_dataloader.dataset.style.data_root':
                osp.join(data, 'style')
            })
    return rain


def arm_config(arm: str, data: str, rain: str, one_shot: str,
               seed: int) -> Config:
    """The arm's config pointed at the pair, the RAIN and the one-shot image."""
    cfg = Config.fromfile(config_path(DIGIT_ARMS[arm][0]))
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[loader].dataset.data_root = data
    for hook in cfg.get('custom_hooks', []):
        hook.rain_checkpoint = rain
        if hook.get('target'):
            hook.target = one_shot
    cfg.randomness = dict(seed=seed)
    return cfg


def run_digits_arm(arm: str,
                   seed: int,
                   work_dir: str,
                   data: str,
                   rain: str,
                   one_shot: str,
                   force: bool = False) -> dict:
    """The metrics of one run (reused if finished, unless ``force``)."""
    run_dir = osp.join(work_dir, arm, f'seed{seed}')
    done = osp.join(run_dir, 'metrics.json')
    if osp.isfile(done) and not force:
        with open(done) as file:
            return json.load(file)
    log(f'{arm}, seed {seed} ...')
    start = time.time()
    _, metrics = train_config(
        arm_config(arm, data, rain, one_shot, seed), run_dir)
    metrics.update(seconds=time.time() - start, one_shot_image=one_shot)
    with open(done, 'w') as file:
        json.dump(metrics, file, indent=1)
    log(f'{arm}, seed {seed}: {metrics[METRIC]:.1f}% in {metrics["seconds"]:.0f} s'
        )
    return metrics


def digits_table(results: Dict[str, Dict[int, dict]]) -> str:
    """Markdown: target test accuracy mean ± std and per seed, per arm."""
    seeds = sorted({s for runs in results.values() for s in runs})
    lines = [
        '| arm | accuracy (%) mean ± std | ' +
        ' | '.join(f'seed {s}' for s in seeds) + ' | s / run |',
        '|---' * (3 + len(seeds)) + '|'
    ]
    for arm, runs in results.items():
        values = [runs[s][METRIC] for s in seeds]
        seconds = np.mean([runs[s]['seconds'] for s in seeds])
        lines.append(
            f'| {DIGIT_ARMS[arm][1]} | {np.mean(values):.1f} ± {np.std(values):.1f} | '
            + ' | '.join(f'{v:.1f}' for v in values) + f' | {seconds:.0f} |')
    return '\n'.join(lines)


def run_digits_benchmark(work_dir: str = 'work_dirs/digits_ablation',
                         data: str = DIGITS_DATA,
                         rain: str = DIGITS_RAIN,
                         seeds: Sequence[int] = (0, 1, 2),
                         arms: Sequence[str] = tuple(DIGIT_ARMS),
                         force: bool = False) -> Dict[str, Dict[int, dict]]:
    """Run ``arms`` for every seed, seed by seed; write ``digits_ablation.md``,
    ``digits_ablation.png`` and ``results.json`` into ``work_dir``."""
    unknown = sorted(set(arms) - set(DIGIT_ARMS))
    if unknown:
        raise ValueError(
            f'unknown arms {unknown}; choose from {list(DIGIT_ARMS)}')
    meta = digits_pair(data)
    if max(seeds) >= len(meta['one_shot_images']):
        raise ValueError(
            f'seed {max(seeds)} needs a one-shot image; {data}/meta.json '
            f'lists {len(meta["one_shot_images"])}')
    rain = digits_rain(rain, data)
    results = {arm: {} for arm in arms}
    for seed in seeds:
        one_shot = osp.join(data, meta['one_shot_images'][seed])
        for arm in arms:
            results[arm][seed] = run_digits_arm(arm, seed, work_dir, data,
                                                rain, one_shot, force)
    table = digits_table(results)
    bar_chart(results, osp.join(work_dir, 'digits_ablation.png'), METRIC,
              'target test accuracy (%)', 'Digits demo pair')
    with open(osp.join(work_dir, 'digits_ablation.md'), 'w') as file:
        file.write(
            f'# Digits demo benchmark\n\n{table}\n\n![digits](digits_ablation.png)\n'
        )
    with open(osp.join(work_dir, 'results.json'), 'w') as file:
        json.dump(results, file, indent=1)
    print(table)
    return results

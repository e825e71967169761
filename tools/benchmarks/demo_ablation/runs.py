"""The demo ablation's runs: the arms of the ASM paper's Table 4 (plus ASH,
LRM and self-training) on the demo pair, one run per arm and seed.

Every arm trains the same small DeepLab-v2 on the same data for the same
number of optimizer steps (:data:`mmasm.demo.DEMO_ARMS`; LRM first
trains its translator on the seed's one-shot image); seed ``s`` uses the
``s``-th target train image as the one-shot image and ``s`` as the
training seed. Finished runs (``WORK_DIR/<arm>/seed<s>/metrics.json``) are
reused unless ``force``.
"""
import json
import os.path as osp
import time
from typing import Dict, Optional, Sequence

from mmasm.apis import train_config
from mmasm.demo import (ARM_LABELS, DEFAULT_DATA, DEFAULT_RAIN, demo_domains,
                        one_shot_images, pretrain_rain, train_arm)
from mmasm.demo.arms import config_path
from mmasm.demo.quickstart import log
from .report import write_benchmark_report

#: the LRM arms' translator configs (relative to mmasm's configs)
LRM_CONFIGS = {
    'lrm': 'lrm/lrm_tiny_demo.py',
    'lrm-no-perceptual': 'lrm/lrm_tiny_demo-no-perceptual.py'
}


def train_translator(work_dir: str,
                     data: str,
                     one_shot: str,
                     seed: int,
                     iters: Optional[int] = None,
                     arm: str = 'lrm') -> str:
    """The translator of the LRM ``arm`` (:data:`LRM_CONFIGS`) for this
    one-shot image, trained into ``work_dir/translator`` unless exported
    there already; its path."""
    translator_dir = osp.join(work_dir, 'translator')
    exported = osp.join(translator_dir, 'lrm_translator.pth')
    if osp.isfile(exported):
        return exported
    options = {
        'train_dataloader.dataset.source.data_root': f'{data}/source/images',
        'train_dataloader.dataset.target': osp.join(data, 'target', one_shot),
        'randomness.seed': seed
    }
    if iters:
        options['train_cfg.max_iters'] = iters
    log(f'training the LRM translator for {one_shot} ...')
    train_config(config_path(LRM_CONFIGS[arm]), translator_dir, options)
    return exported


def run_arm(arm: str,
            seed: int,
            work_dir: str,
            data: str,
            rain: str,
            one_shot: str,
            max_steps: Optional[int] = None,
            lrm_iters: Optional[int] = None,
            force: bool = False) -> dict:
    """The metrics of one run, ``work_dir/<arm>/seed<seed>`` (reused if
    finished, unless ``force``)."""
    run_dir = osp.join(work_dir, arm, f'seed{seed}')
    done = osp.join(run_dir, 'metrics.json')
    if osp.isfile(done) and not force:
        with open(done) as f:
            return json.load(f)
    translator = train_translator(run_dir, data, one_shot, seed, lrm_iters,
                                  arm) if arm in LRM_CONFIGS else None
    _, metrics = train_arm(arm, run_dir, data, rain, one_shot, seed, max_steps,
                           translator)
    metrics['one_shot_image'] = one_shot
    with open(done, 'w') as f:
        json.dump(metrics, f, indent=1)
    return metrics


def run_benchmark(work_dir: str = 'work_dirs/ablation',
                  data: str = DEFAULT_DATA,
                  rain_dir: str = osp.dirname(DEFAULT_RAIN),
                  seeds: Sequence[int] = (0, 1, 2),
                  arms: Sequence[str] = tuple(ARM_LABELS),
                  max_steps: Optional[int] = None,
                  lrm_iters: Optional[int] = None,
                  force: bool = False) -> Dict[str, Dict[int, dict]]:
    """Run ``arms`` (:data:`ARM_LABELS`) for every seed, seed by seed, on the
    pair in ``data`` (rendered if missing) with the RAIN in ``rain_dir``
    (trained there if missing); write ``ablation.md``, ``ablation.png`` and
    ``results.json`` into ``work_dir``; returns arm -> seed -> metrics.

    ``max_steps``: optimizer steps per run; ``lrm_iters``: LRM translator
    iterations (default: the configs')."""
    unknown = sorted(set(arms) - set(ARM_LABELS))
    if unknown:
        raise ValueError(
            f'unknown arms {unknown}; choose from {list(ARM_LABELS)}')
    start = time.time()
    meta = demo_domains(data)
    rain = pretrain_rain(rain_dir, data)
    shots = one_shot_images(data, meta, seeds)
    results = {arm: {} for arm in arms}
    for seed in seeds:
        for arm in arms:
            results[arm][seed] = run_arm(arm, seed, work_dir, data, rain,
                                         shots[seed], max_steps, lrm_iters,
                                         force)
    print(write_benchmark_report(work_dir, results, meta))
    log(f'ablation done in {time.time() - start:.0f} s: '
        f'{osp.join(work_dir, "ablation.md")}')
    return results

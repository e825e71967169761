"""The (arm, domain, seed) grid of the generalisation benchmark, its cache
and its runs.

Cache: one folder per (arm, domain, seed), ``WORK/<arm>/<domain>/seed<s>/``,
finished when its ``result.json`` exists (then never rerun, unless
``force``): the command resumes where it stopped. Arms that never see a
target image (:data:`~.arms.TARGET_FREE`) train once per seed on the
pair, into ``WORK/<arm>/trained/seed<s>/``, and each domain's folder holds
the evaluation of that checkpoint on the domain's val set by mmengine's
Runner (its test loop). The other arms train per domain on the domain's
folder (its one-shot image ``s``, its unlabelled or labelled train set)
and report their last validation on the domain's val set.
"""
import glob
import json
import os
import os.path as osp
import time
from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Sequence

from mmengine.config import Config

from mmasm.demo import demo_config, one_shot_image, train_arm
from mmasm.utils import build_runner, use_safe_checkpoint_loader
from tools.benchmarks.demo_ablation import train_translator
from .arms import LRM_ARMS, TARGET_FREE

RESULT = 'result.json'


@dataclass(frozen=True)
class Run:
    """One cell of the grid."""
    arm: str
    domain: str
    seed: int

    def folder(self, work_dir: str) -> str:
        return osp.join(work_dir, self.arm, self.domain, f'seed{self.seed}')

    def trained_folder(self, work_dir: str) -> str:
        """Where this run's segmentor trains (shared by every domain for
        the target-free arms)."""
        if self.arm in TARGET_FREE:
            return osp.join(work_dir, self.arm, 'trained', f'seed{self.seed}')
        return self.folder(work_dir)


def grid(arms: Sequence[str], domains: Sequence[str],
         seeds: Sequence[int]) -> List[Run]:
    """Every (arm, domain, seed), seed by seed; in a seed, the target-free
    arms first (one training fills a row of domains), then domain by
    domain the arms that train per domain."""
    runs = []
    for seed in seeds:
        runs += [
            Run(arm, domain, seed) for arm in arms if arm in TARGET_FREE
            for domain in domains
        ]
        runs += [
            Run(arm, domain, seed) for domain in domains for arm in arms
            if arm not in TARGET_FREE
        ]
    return runs


def read_result(run: Run, work_dir: str) -> Optional[dict]:
    path = osp.join(run.folder(work_dir), RESULT)
    if not osp.isfile(path):
        return None
    with open(path) as file:
        return json.load(file)


def write_result(run: Run, work_dir: str, metrics: dict) -> dict:
    result = dict(metrics, arm=run.arm, domain=run.domain, seed=run.seed)
    folder = run.folder(work_dir)
    path = osp.join(folder, RESULT)
    with open(path + '.tmp', 'w') as file:
        json.dump(result, file, indent=1)
    os.replace(path + '.tmp', path)  # a killed run leaves no result
    return result


def describe(run: Run, work_dir: str) -> str:
    """What running ``run`` would do now: ``cached``, ``evaluate``
    (checkpoint trained already), ``train + evaluate`` or ``train``."""
    if read_result(run, work_dir) is not None:
        return 'cached'
    if run.arm in TARGET_FREE:
        trained = last_checkpoint(run.trained_folder(work_dir))
        return 'evaluate' if trained else 'train once + evaluate'
    return 'train'


def plan_lines(runs: Sequence[Run], work_dir: str) -> Iterator[str]:
    for run in runs:
        yield (f'{run.arm:<24} {run.domain:<9} seed {run.seed}  '
               f'{describe(run, work_dir)}')


def last_checkpoint(folder: str) -> Optional[str]:
    """The newest ``iter_*.pth`` of a finished training in ``folder``."""
    if not osp.isfile(osp.join(folder, 'metrics.json')):
        return None
    files = glob.glob(osp.join(folder, 'iter_*.pth'))
    return max(
        files, key=lambda f: int(f.rsplit('_', 1)[1][:-4]), default=None)


def evaluate_checkpoint(cfg: Config, checkpoint: str, work_dir: str) -> dict:
    """``checkpoint`` tested on ``cfg``'s test set by mmengine's Runner
    (weights-only loading), as ``tools/test.py CFG CKPT`` does."""
    cfg = cfg.copy()
    cfg.work_dir, cfg.load_from = work_dir, checkpoint
    use_safe_checkpoint_loader(cfg)
    runner = build_runner(cfg)
    return {key: float(value) for key, value in runner.test().items()}


@dataclass
class Context:
    """Where the data and weights are, and the run settings."""
    work_dir: str
    pair: str
    domain_dirs: Dict[str, str]
    rain: Optional[str]
    max_steps: Optional[int] = None
    lrm_iters: Optional[int] = None
    step_size: Optional[float] = None

    def one_shot(self, domain: str, seed: int) -> str:
        """Seed ``seed``'s one-shot image of ``domain`` (or, for
        ``None``, of the pair), relative to its target root."""
        data = self.pair if domain is None else self.domain_dirs[domain]
        return one_shot_image(data, seed)


def train_target_free(run: Run, ctx: Context) -> str:
    """The checkpoint of a target-free arm's seed (trained on the pair if
    missing)."""
    folder = run.trained_folder(ctx.work_dir)
    checkpoint = last_checkpoint(folder)
    if checkpoint is None:
        train_arm(
            run.arm,
            folder,
            ctx.pair,
            ctx.rain or '',
            ctx.one_shot(None, run.seed),
            run.seed,
            ctx.max_steps,
            step_size=ctx.step_size)
        checkpoint = last_checkpoint(folder)
    return checkpoint


def execute(run: Run, ctx: Context) -> dict:
    """Train and / or evaluate one run; its result (also cached)."""
    data, start = ctx.domain_dirs[run.domain], time.time()
    shot = ctx.one_shot(run.domain, run.seed)
    folder = run.folder(ctx.work_dir)
    if run.arm in TARGET_FREE:
        checkpoint = train_target_free(run, ctx)
        cfg = demo_config(
            run.arm,
            data,
            ctx.rain or '',
            shot,
            run.seed,
            ctx.max_steps,
            step_size=ctx.step_size)
        metrics = evaluate_checkpoint(cfg, checkpoint, folder)
        metrics['checkpoint'] = osp.relpath(checkpoint, ctx.work_dir)
    else:
        translator = train_translator(folder, data, shot, run.seed,
                                      ctx.lrm_iters,
                                      run.arm) if run.arm in LRM_ARMS else None
        _, metrics = train_arm(run.arm, folder, data, ctx.rain or '', shot,
                               run.seed, ctx.max_steps, translator,
                               ctx.step_size)
    metrics.update(one_shot_image=shot, seconds=round(time.time() - start, 1))
    return write_result(run, ctx.work_dir, metrics)


def run_grid(runs: Sequence[Run],
             ctx: Context,
             force: bool = False) -> Dict[Run, dict]:
    """Every run's result, from the cache or by :func:`execute`."""
    results = {}
    for run in runs:
        cached = None if force else read_result(run, ctx.work_dir)
        results[run] = cached if cached is not None else execute(run, ctx)
    return results

"""The quickstart's steps: render the demo pair, pretrain its RAIN, train
the arms, write the report.

>>> run_quickstart('work_dirs/quickstart', 'data/demo')   # the report's path
"""
import json
import os.path as osp
import time
from typing import Dict, Optional, Tuple

from mmengine.runner import Runner

from mmasm.apis import train_config
from .arms import DEFAULT_DATA, config_path, demo_config
from .domains import make_demo_domains
from .report import write_report

#: the demo RAIN's pretraining config (relative to mmasm's configs): the
#: relu2_1 tap, chosen by label consistency
RAIN_CONFIG = 'rain/rain_demo-relu2_1_cpu.py'
#: the arms the quickstart compares
QUICKSTART_ARMS = ('source-only', 'asm')


def log(message: str) -> None:
    """Print a time-stamped progress line."""
    print(f'[quickstart {time.strftime("%H:%M:%S")}] {message}', flush=True)


def demo_domains(data: str) -> dict:
    """The demo pair in ``data`` (rendered if missing): its ``meta.json``."""
    if not osp.isfile(osp.join(data, 'meta.json')):
        log(f'rendering the demo domain pair into {data} ...')
        make_demo_domains(data, preview=True)
    else:
        log(f'reusing the demo domain pair in {data}')
    with open(osp.join(data, 'meta.json')) as f:
        return json.load(f)


def pretrain_rain(rain_dir: str,
                  data: str,
                  iters: Optional[int] = None,
                  config: str = RAIN_CONFIG) -> str:
    """Train the demo RAIN (``config``, relative to mmasm's configs) into
    ``rain_dir`` unless its export exists; the exported weights' path."""
    exported = osp.join(rain_dir, 'rain_demo.pth')
    if osp.isfile(exported):
        log(f'reusing the pretrained RAIN {exported}')
        return exported
    options = {
        'train_dataloader.dataset.content.data_root': f'{data}/source/images',
        'train_dataloader.dataset.style.data_root': f'{data}/style'
    }
    if iters:
        options['train_cfg.max_iters'] = iters
    log('pretraining the demo RAIN (decoder warm-up, then Eq. 3; losses every 50) ...'
        )
    train_config(config_path(config), rain_dir, options)
    return exported


def train_arm(
        arm: str,
        work_dir: str,
        data: str,
        rain: str,
        one_shot_image: str,
        seed: int,
        max_steps: Optional[int] = None,
        translator: Optional[str] = None,
        step_size: Optional[float] = None) -> Tuple[Runner, Dict[str, float]]:
    """Train one arm (:func:`demo_config`'s arguments) into ``work_dir``;
    returns ``(runner, metrics)``, the metrics also written to
    ``work_dir/metrics.json`` with the training time."""
    cfg = demo_config(arm, data, rain, one_shot_image, seed, max_steps,
                      translator, step_size)
    log(f'training {arm}: {cfg.train_cfg.max_iters} iterations '
        f'(losses every {cfg.default_hooks.logger.interval}) ...')
    start = time.time()
    runner, metrics = train_config(cfg, work_dir)
    metrics['train_seconds'] = round(time.time() - start, 1)
    with open(osp.join(work_dir, 'metrics.json'), 'w') as f:
        json.dump(metrics, f, indent=1)
    log(f'{arm}: target val mIoU13 {metrics.get("mIoU13")} ({metrics["train_seconds"]} s)'
        )
    return runner, metrics


def run_quickstart(work_dir: str = 'work_dirs/quickstart',
                   data: str = DEFAULT_DATA,
                   rain_iters: Optional[int] = None,
                   max_steps: Optional[int] = None,
                   seed: int = 0) -> str:
    """The whole quickstart: the demo pair in ``data`` (rendered if
    missing), its RAIN in ``work_dir/rain`` (``rain_iters`` iterations, or
    reused), source-only and ASM (``max_steps`` optimizer steps each, or the
    configs'), then ``work_dir/report.md``, whose path it returns."""
    start = time.time()
    meta = demo_domains(data)
    rain = pretrain_rain(osp.join(work_dir, 'rain'), data, rain_iters)
    one_shot = meta['target']['one_shot_image']
    results, runners = {}, {}
    for arm in QUICKSTART_ARMS:
        runners[arm], results[arm] = train_arm(arm, osp.join(work_dir,
                                                             arm), data, rain,
                                               one_shot, seed, max_steps)
    log('drawing the figures ...')
    report = write_report(
        work_dir,
        data,
        meta,
        results,
        runners['asm'],
        seed=seed,
        elapsed=time.time() - start)
    log(f'done in {time.time() - start:.0f} s: {report}')
    return report

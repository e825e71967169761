"""The one-command demo: one-shot adaptation with ASM on mmasm's own
sim-to-real domain pair, on the CPU, in about 15 minutes.

    python tools/quickstart.py [--work-dir work_dirs/quickstart] [--data data/demo]

1. renders the demo domain pair (game-like source, photo-like target, style
   images) into ``--data`` unless it is there already;
2. pretrains the demo's RAIN (``configs/rain/rain_demo_cpu.py``), or reuses it;
3. trains the small DeepLab-v2 source-only and with ASM (one unlabelled
   target image) for the same number of optimizer steps
   (``configs/demo/{source-only,asm}_demo.py``) and evaluates both on the
   target val split;
4. writes ``WORK_DIR/report.md``: the mIoU table, stylizations per search
   depth, the eps search path around the anchor and the loss saw-tooth
   (the two panels of the paper's Fig. 7).

Every step logs its progress. A second run reuses the demo pair and the
RAIN and trains the two segmentors again (about 7 minutes).
"""
import argparse
import json
import os.path as osp
import sys
import time

HERE = osp.dirname(osp.abspath(__file__))
sys.path.insert(0, HERE)

import mmasm  # noqa: E402,F401
from mmasm.demo.domains import make_demo_domains  # noqa: E402

REPO = osp.dirname(HERE)
RAIN_CONFIG = osp.join(REPO, 'configs', 'rain', 'rain_demo_cpu.py')
#: the demo pair's arms: name -> segmentor config (same segmentor, data and
#: number of optimizer steps in all of them)
DEMO_ARMS = {
    'source-only': 'configs/demo/source-only_demo.py',
    'random': 'configs/demo/random_demo.py',
    'anchored': 'configs/demo/anchored_demo.py',
    'asm': 'configs/demo/asm_demo.py',
    'target-supervised': 'configs/demo/target-supervised_demo.py',
    'ash': 'configs/ash/ash_demo.py',
    'lrm': 'configs/lrm/lrm_demo_segmentor.py',
}
#: where the demo configs expect the pair and the RAIN weights
DEFAULT_DATA = 'data/demo'
DEFAULT_RAIN = 'work_dirs/quickstart/rain/rain_demo.pth'


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', default='work_dirs/quickstart')
    parser.add_argument('--data', default=DEFAULT_DATA, help='demo domain pair folder')
    parser.add_argument('--rain-iters', type=int, default=None,
                        help='RAIN pretraining iterations (default: the config\'s)')
    parser.add_argument('--max-steps', type=int, default=None,
                        help='segmentor optimizer steps per arm (default: the configs\')')
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(f'[quickstart {time.strftime("%H:%M:%S")}] {message}', flush=True)


def demo_domains(data: str):
    """The demo pair in ``data`` (rendered if missing): its ``meta.json``."""
    if not osp.isfile(osp.join(data, 'meta.json')):
        log(f'rendering the demo domain pair into {data} ...')
        make_demo_domains(data, preview=True)
    else:
        log(f'reusing the demo domain pair in {data}')
    with open(osp.join(data, 'meta.json')) as f:
        return json.load(f)


def pretrain_rain(rain_dir: str, data: str, iters=None) -> str:
    """Train the demo RAIN into ``rain_dir`` unless its export exists."""
    exported = osp.join(rain_dir, 'rain_demo.pth')
    if osp.isfile(exported):
        log(f'reusing the pretrained RAIN {exported}')
        return exported
    import train_rain
    options = [f'train_dataloader.dataset.content.data_root={data}/source/images',
               f'train_dataloader.dataset.style.data_root={data}/style']
    if iters:
        options.append(f'train_cfg.max_iters={iters}')
    log('pretraining the demo RAIN (decoder warm-up, then Eq. 3; losses every 50) ...')
    train_rain.main([RAIN_CONFIG, '--work-dir', rain_dir, '--cfg-options', *options])
    return exported


def demo_config(arm: str, data: str, rain: str, one_shot_image: str, seed: int,
                max_steps=None, translator=None):
    """The config of ``arm`` (:data:`DEMO_ARMS`) pointed at ``data`` (any
    image size), ``rain``, the one-shot image (relative to the target root)
    and, for LRM, the ``translator``; seeded with ``seed``; ``max_steps``
    optimizer steps if given."""
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(REPO, DEMO_ARMS[arm]))
    with open(osp.join(data, 'meta.json')) as f:
        size = json.load(f)['size']
    cfg.model.data_preprocessor.size = (size['height'], size['width'])
    prefix = DEFAULT_DATA + '/'

    def rebase(path: str) -> str:
        return osp.join(data, path[len(prefix):]) if path.startswith(prefix) else path

    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        dataset = cfg[loader].dataset
        dataset.data_root = rebase(dataset.data_root)
    one_shot = osp.join(data, 'target', one_shot_image)
    # ASM's settings sit in its hook, ASH's in its model
    for holder in [*cfg.get('custom_hooks', []), cfg.model]:
        if 'rain_checkpoint' in holder:
            holder.rain_checkpoint = rain
        if holder.get('target'):
            holder.target = one_shot
        if holder.get('style'):
            holder.style = rebase(holder.style)
    for transform in cfg.train_dataloader.dataset.get('pipeline', []):
        if transform.type == 'LRMTranslate':
            transform.checkpoint, transform.target = translator, one_shot
    if max_steps:
        depth = next((h.get('search_depth', 1) for h in cfg.get('custom_hooks', [])
                      if 'search_depth' in h), 1)
        cfg.train_cfg.max_iters = cfg.train_cfg.val_interval = max_steps // depth
        cfg.default_hooks.checkpoint.interval = max_steps // depth
    cfg.randomness = dict(seed=seed)
    return cfg


def train_arm(arm: str, work_dir: str, data: str, rain: str, one_shot_image: str,
              seed: int, max_steps=None, translator=None):
    """Train one arm; returns ``(runner, metrics)``."""
    from mmasm.apis import train_config
    cfg = demo_config(arm, data, rain, one_shot_image, seed, max_steps, translator)
    log(f'training {arm}: {cfg.train_cfg.max_iters} iterations '
        f'(losses every {cfg.default_hooks.logger.interval}) ...')
    start = time.time()
    runner, metrics = train_config(cfg, work_dir)
    metrics['train_seconds'] = round(time.time() - start, 1)
    with open(osp.join(work_dir, 'metrics.json'), 'w') as f:
        json.dump(metrics, f, indent=1)
    log(f'{arm}: target val mIoU13 {metrics.get("mIoU13")} ({metrics["train_seconds"]} s)')
    return runner, metrics


def main(argv=None):
    args = parse_args(argv)
    start = time.time()
    meta = demo_domains(args.data)
    rain = pretrain_rain(osp.join(args.work_dir, 'rain'), args.data, args.rain_iters)
    one_shot = meta['target']['one_shot_image']
    results, runners = {}, {}
    for arm in ('source-only', 'asm'):
        runners[arm], results[arm] = train_arm(
            arm, osp.join(args.work_dir, arm), args.data, rain, one_shot, args.seed,
            args.max_steps)
    log('drawing the figures ...')
    from quickstart_report import write_report
    report = write_report(args.work_dir, args.data, meta, results, runners['asm'],
                          seed=args.seed, elapsed=time.time() - start)
    log(f'done in {time.time() - start:.0f} s: {report}')


if __name__ == '__main__':
    main()

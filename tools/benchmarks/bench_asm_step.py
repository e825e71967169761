"""Cost of an ASM optimizer step against a source-only one, in one run.

For each segmentor, trains a few iterations of each arm in a fresh process
(so that the peak resident memory belongs to that arm alone) through the
real Runner and ASMHook, and reports the time per optimizer step (an ASM
iteration makes ``search_depth`` steps) and the peak memory above the
process's footprint after imports, both as ratios to source-only training.

    python -m tools.benchmarks.bench_asm_step
    python -m tools.benchmarks.bench_asm_step --models deeplabv2_r18 --iters 3
"""
import argparse
import json
import os
import os.path as osp
import resource
import subprocess
import sys
import tempfile
import time

import cv2
import numpy as np

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
MODELS = ('deeplabv2_r101', 'deeplabv2_r18', 'segformer_mit-b0')
ARMS = {
    'source-only': None,
    'ASM n=2': dict(search_depth=2, keep_source=False),
    'ASM n=2 + keep_source': dict(search_depth=2, keep_source=True),
}


def rss_mib() -> float:
    """Resident set size now, from /proc (Linux)."""
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 2**20


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_data(root: str, size, num: int = 4) -> None:
    rng = np.random.default_rng(0)
    h, w = size
    for i in range(num):
        stem = f'city_{i:06d}_000019'
        img_dir, seg_dir = f'{root}/leftImg8bit/train/city', f'{root}/gtFine/train/city'
        os.makedirs(img_dir, exist_ok=True)
        os.makedirs(seg_dir, exist_ok=True)
        img = cv2.resize(
            rng.integers(0, 256, (8, 16, 3), dtype=np.uint8), (w, h))
        cv2.imwrite(f'{img_dir}/{stem}_leftImg8bit.png', img)
        cv2.imwrite(f'{seg_dir}/{stem}_gtFine_labelTrainIds.png',
                    rng.integers(0, 19, (h, w), dtype=np.uint8))


def segmentor_cfg(name: str, size):
    import mmseg
    from mmengine.config import Config
    if name.startswith('deeplabv2'):
        cfg = Config.fromfile(
            f'{ROOT}/configs/_base_/models/deeplabv2_r101-d8.py').model
        cfg.backbone.init_cfg = None
        if name.endswith('r18'):
            cfg.backbone.depth = 18
            cfg.decode_head.in_channels = 512
    else:
        mmseg_cfgs = osp.join(osp.dirname(mmseg.__file__), '.mim', 'configs')
        cfg = Config.fromfile(
            f'{mmseg_cfgs}/_base_/models/segformer_mit-b0.py').model
        cfg.type = 'ASMEncoderDecoder'
        cfg.backbone.init_cfg = None
        cfg.decode_head.norm_cfg = dict(type='BN', requires_grad=True)
        cfg.data_preprocessor = dict(
            type='SegDataPreProcessor',
            mean=[123.675, 116.28, 103.53],
            std=[58.395, 57.12, 57.375],
            bgr_to_rgb=True)
    cfg.data_preprocessor.size = tuple(size)
    return cfg


def dataset_cfg(data_root: str) -> dict:
    """The Cityscapes-layout train set :func:`write_data` writes, in file
    order, without augmentation."""
    return dict(
        type='CityscapesDataset',
        data_root=data_root,
        data_prefix=dict(
            img_path='leftImg8bit/train', seg_map_path='gtFine/train'),
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadAnnotations'),
            dict(type='PackSegInputs')
        ])


def run_arm(args) -> dict:
    """Train one arm in this process and return its figures."""
    import torch
    from mmengine.hooks import Hook
    from mmengine.runner import Runner

    import mmasm  # noqa: F401

    torch.set_num_threads(args.threads)
    base_rss = rss_mib()
    arm = ARMS[args.arm]
    data_root = f'{args.tmp}/data'
    hooks = []
    if arm is not None:
        rain_path = f'{args.tmp}/rain.pth'
        hooks.append(
            dict(
                type='ASMHook',
                rain_checkpoint=rain_path,
                vis_interval=0,
                target=f'{data_root}/leftImg8bit/train/city/'
                'city_000000_000019_leftImg8bit.png',
                **arm))
    times = []

    class StepTimer(Hook):
        priority = 'VERY_HIGH'

        def before_train_iter(self, runner, batch_idx, data_batch=None):
            self.start = time.perf_counter()

        def after_train_iter(self,
                             runner,
                             batch_idx,
                             data_batch=None,
                             outputs=None):
            times.append(time.perf_counter() - self.start)

    cfg = dict(
        default_scope='mmasm',
        work_dir=f'{args.tmp}/work_{args.model}_{len(args.arm)}',
        model=segmentor_cfg(args.model, args.size),
        train_dataloader=dict(
            batch_size=args.batch_size,
            num_workers=0,
            sampler=dict(type='InfiniteSampler', shuffle=False),
            dataset=dataset_cfg(data_root)),
        train_cfg=dict(
            type='IterBasedTrainLoop', max_iters=args.warmup + args.iters),
        optim_wrapper=dict(
            type='OptimWrapper',
            optimizer=dict(type='SGD', lr=1e-4, momentum=0.9)),
        custom_hooks=hooks,
        default_hooks=dict(checkpoint=None, logger=None),
        randomness=dict(seed=0),
        log_level='ERROR')
    runner = Runner.from_cfg(cfg)
    runner.register_hook(StepTimer())
    runner.train()
    steps_per_iter = 1 if arm is None else arm['search_depth']
    measured = times[args.warmup:]
    return dict(
        model=args.model,
        arm=args.arm,
        step_s=sum(measured) / len(measured) / steps_per_iter,
        peak_mib=peak_rss_mib() - base_rss)


def table(results) -> str:
    lines = [
        '| segmentor | arm | s / optimizer step | x source-only | peak MiB | x source-only |',
        '|---|---|---|---|---|---|'
    ]
    for r in results:
        ref = next(s for s in results
                   if s['model'] == r['model'] and s['arm'] == 'source-only')
        lines.append(
            f"| {r['model']} | {r['arm']} | {r['step_s']:.3f} | "
            f"{r['step_s'] / ref['step_s']:.2f} | {r['peak_mib']:.0f} | "
            f"{r['peak_mib'] / ref['peak_mib']:.2f} |")
    return '\n'.join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--models', nargs='+', default=list(MODELS), choices=MODELS)
    parser.add_argument(
        '--size', nargs=2, type=int, default=(256, 512), metavar=('H', 'W'))
    parser.add_argument('--batch-size', type=int, default=1)
    parser.add_argument('--iters', type=int, default=3)
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--arm', choices=list(ARMS), help=argparse.SUPPRESS)
    parser.add_argument('--model', choices=MODELS, help=argparse.SUPPRESS)
    parser.add_argument('--tmp', help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.arm:  # a child process: one arm
        print(json.dumps(run_arm(args)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        write_data(f'{tmp}/data', args.size)
        import torch

        import mmasm  # noqa: F401
        from mmasm.models import RAIN
        torch.save(RAIN().state_dict(), f'{tmp}/rain.pth')
        results = []
        for model in args.models:
            for arm in ARMS:
                cmd = [
                    sys.executable, __file__, '--arm', arm, '--model', model,
                    '--tmp', tmp, '--size', *map(str, args.size),
                    '--batch-size',
                    str(args.batch_size), '--iters',
                    str(args.iters), '--warmup',
                    str(args.warmup), '--threads',
                    str(args.threads)
                ]
                out = subprocess.run(
                    cmd, check=True, capture_output=True, text=True).stdout
                results.append(json.loads(out.strip().splitlines()[-1]))
                print(
                    f'{model:18s} {arm:24s} {results[-1]["step_s"]:.3f} s/step '
                    f'{results[-1]["peak_mib"]:.0f} MiB',
                    flush=True)
    print(
        f'\nbatch {args.batch_size}, crop {args.size[0]}x{args.size[1]}, '
        f'{args.threads} threads, {args.iters} timed iterations after {args.warmup} warm-up\n'
    )
    print(table(results))


if __name__ == '__main__':
    main()

"""Cost of a self-training (DACS) iteration against a source-only one.

For each segmentor (the demo's DeepLab-v2 R18 and mmseg's SegFormer MiT-B0
shapes, both randomly initialised) and each arm (source-only; DACS without
options, with the ImageNet feature distance (FD), with MIC, with both), one
fresh process builds the model, an ``OptimWrapper`` (AdamW) and a fixed
random batch of ``--batch-size`` labelled source images (plus as many
unlabelled target images for self-training: the same per-domain batch), and
times ``model.train_step`` (one optimizer step, and the teacher update)
after ``--warmup`` untimed iterations. Arms run interleaved over
``--rounds`` rounds (segmentor by segmentor, every arm once per round), so
the machine's noise hits all arms alike. Reported per arm: the median time
per iteration over all timed iterations of all rounds and the median over
rounds of the peak memory; both also as ratios to source-only (medians over
rounds of the ratio to the same round's source-only run).

Memory: on CPU the peak resident set size of the process
(``resource.getrusage(...).ru_maxrss``) minus its resident size after the
imports, i.e. model, optimizer state, activations and allocator slack; on
CUDA ``torch.cuda.max_memory_allocated`` (tensors only).

    python -m tools.benchmarks.bench_self_training
    python -m tools.benchmarks.bench_self_training --size 128 256 --iters 4 --rounds 2
    python -m tools.benchmarks.bench_self_training --device cuda --size 512 512 --amp

The device is CUDA when available unless ``--device`` says otherwise; the
arithmetic is fp32 unless ``--amp`` (``AmpOptimWrapper``, fp16 on CUDA).
"""
import argparse
import json
import os
import os.path as osp
import resource
import statistics
import subprocess
import sys
import time

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SEGMENTORS = ('deeplabv2_r18', 'segformer_mit-b0')
#: arm -> DACS options (None: source-only training of the bare segmentor)
ARMS = {
    'source-only':
    None,
    'self-training': {},
    'self-training + FD':
    dict(imnet_feature_dist=dict(loss_weight=0.005)),
    'self-training + MIC':
    dict(mic=dict()),
    'self-training + FD + MIC':
    dict(imnet_feature_dist=dict(loss_weight=0.005), mic=dict()),
}


def rss_mib() -> float:
    """Resident set size now, from /proc (Linux)."""
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 2**20


def segmentor_cfg(name: str, size) -> dict:
    """The segmentor's model dict: the demo's DeepLab-v2 R18, or mmseg's
    SegFormer MiT-B0 with BN instead of SyncBN and no pretrained weights."""
    import mmseg
    from mmengine.config import Config
    if name == 'deeplabv2_r18':
        cfg = Config.fromfile(
            f'{ROOT}/configs/_base_/models/deeplabv2_r18-d16_scratch.py').model
    else:
        mmseg_cfgs = osp.join(osp.dirname(mmseg.__file__), '.mim', 'configs')
        cfg = Config.fromfile(
            f'{mmseg_cfgs}/_base_/models/segformer_mit-b0.py').model
        cfg.backbone.init_cfg = None
        cfg.decode_head.norm_cfg = dict(type='BN', requires_grad=True)
        cfg.data_preprocessor = dict(
            type='SegDataPreProcessor',
            mean=[123.675, 116.28, 103.53],
            std=[58.395, 57.12, 57.375],
            bgr_to_rgb=True)
    cfg.data_preprocessor.size = tuple(size)
    return cfg.to_dict()


def build_model(segmentor: str, arm: str, size):
    """The bare segmentor (source-only) or DACS with the paper defaults
    (``_base_/uda/dacs.py``) and the arm's options around it."""
    from mmengine.config import Config

    from mmasm.registry import MODELS
    cfg = segmentor_cfg(segmentor, size)
    options = ARMS[arm]
    if options is not None:
        dacs = Config.fromfile(
            f'{ROOT}/configs/_base_/uda/dacs.py').dacs.to_dict()
        cfg = {
            **cfg,
            **dacs,
            **options, 'type': 'DACS',
            'segmentor_type': cfg['type'],
            'vis_interval': 0
        }
    model = MODELS.build(cfg)
    model.init_weights()
    return model


def make_batch(batch_size: int, size, num_classes: int, target: bool) -> dict:
    """A fixed batch in ``UDADataset``'s layout: labelled source images with
    blocky random labels (every class shows up in large regions, so ClassMix
    and FD have classes to work on), plus unlabelled target images."""
    import torch
    from mmengine.structures import PixelData
    from mmseg.structures import SegDataSample
    generator = torch.Generator().manual_seed(0)
    h, w = size

    def samples(labelled: bool, offset: int):
        inputs, data_samples = [], []
        for i in range(batch_size):
            inputs.append(
                torch.randint(
                    0, 256, (3, h, w), dtype=torch.uint8, generator=generator))
            meta = dict(
                img_shape=(h, w),
                ori_shape=(h, w),
                pad_shape=(h, w),
                draw_seed=offset + i)
            sample = SegDataSample(metainfo=meta)
            if labelled:
                cells = torch.randint(
                    0,
                    num_classes, (1, 1, h // 16, w // 16),
                    generator=generator).float()
                label = torch.nn.functional.interpolate(
                    cells, size=(h, w), mode='nearest')
                sample.gt_sem_seg = PixelData(data=label[0].long())
            data_samples.append(sample)
        return inputs, data_samples

    batch = dict(zip(('inputs', 'data_samples'), samples(True, 0)))
    if target:
        batch.update(
            zip(('target_inputs', 'target_data_samples'),
                samples(False, batch_size)))
    return batch


def run_arm(args) -> dict:
    """Time one arm in this process; its figures."""
    import torch
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import DefaultScope

    import mmasm  # noqa: F401
    DefaultScope.get_instance('bench_self_training', scope_name='mmasm')
    torch.set_num_threads(args.threads)
    cuda = args.device == 'cuda'
    base_rss = rss_mib()
    torch.manual_seed(0)
    model = build_model(args.model, args.arm,
                        args.size).to(args.device).train()
    head = getattr(model, 'segmentor_module', model).decode_head
    optim = dict(
        type='AmpOptimWrapper' if args.amp else 'OptimWrapper',
        optimizer=dict(type='AdamW', lr=6e-5, weight_decay=0.01))
    wrapper = build_optim_wrapper(model, optim)
    batch = make_batch(args.batch_size, args.size, head.num_classes,
                       ARMS[args.arm] is not None)
    times = []
    for it in range(args.warmup + args.iters):
        if cuda:
            torch.cuda.synchronize()
        start = time.perf_counter()
        model.train_step(batch, wrapper)
        if cuda:
            torch.cuda.synchronize()
        if it >= args.warmup:
            times.append(time.perf_counter() - start)
    if cuda:
        peak = torch.cuda.max_memory_allocated() / 2**20
    else:
        peak = resource.getrusage(
            resource.RUSAGE_SELF).ru_maxrss / 1024 - base_rss
    return dict(model=args.model, arm=args.arm, times=times, peak_mib=peak)


def summarise(runs) -> list:
    """One row per (segmentor, arm): median s / iteration over all timed
    iterations and median peak memory over rounds; the ratios to
    source-only are medians over rounds of each round's ratio (arms of one
    round ran minutes apart, so slow drifts of the machine's load cancel)."""

    def median_step(run):
        return statistics.median(run['times'])

    rows = []
    for segmentor in dict.fromkeys(r['model'] for r in runs):
        mine = [r for r in runs if r['model'] == segmentor]
        refs = {r['round']: r for r in mine if r['arm'] == 'source-only'}
        for arm in ARMS:
            arm_runs = [r for r in mine if r['arm'] == arm]
            if not arm_runs:
                continue
            rows.append(
                dict(
                    model=segmentor,
                    arm=arm,
                    step_s=statistics.median(t for r in arm_runs
                                             for t in r['times']),
                    peak_mib=statistics.median(r['peak_mib']
                                               for r in arm_runs),
                    x_step=statistics.median(
                        median_step(r) / median_step(refs[r['round']])
                        for r in arm_runs),
                    x_peak=statistics.median(r['peak_mib'] /
                                             refs[r['round']]['peak_mib']
                                             for r in arm_runs)))
    return rows


def table(rows) -> str:
    lines = [
        '| segmentor | arm | s / iteration | x source-only | peak MiB | x source-only |',
        '|---|---|---|---|---|---|'
    ]
    lines += [
        f"| {r['model']} | {r['arm']} | {r['step_s']:.3f} | {r['x_step']:.2f} | "
        f"{r['peak_mib']:.0f} | {r['x_peak']:.2f} |" for r in rows
    ]
    return '\n'.join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--models', nargs='+', default=list(SEGMENTORS), choices=SEGMENTORS)
    parser.add_argument(
        '--arms', nargs='+', default=list(ARMS), choices=list(ARMS))
    parser.add_argument(
        '--size', nargs=2, type=int, default=(128, 256), metavar=('H', 'W'))
    parser.add_argument(
        '--batch-size', type=int, default=2, help='images per domain')
    parser.add_argument(
        '--iters', type=int, default=5, help='timed iterations per process')
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--rounds', type=int, default=2)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument(
        '--device', default=None, help='cuda or cpu (default: cuda if any)')
    parser.add_argument(
        '--amp', action='store_true', help='AmpOptimWrapper (mixed precision)')
    parser.add_argument(
        '--out', help='also write the runs and the table (.json / .md)')
    parser.add_argument('--arm', choices=list(ARMS), help=argparse.SUPPRESS)
    parser.add_argument('--model', choices=SEGMENTORS, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.device is None:
        import torch
        args.device = 'cuda' if torch.cuda.is_available() else 'cpu'
    if args.arm:  # a child process: one arm
        print(json.dumps(run_arm(args)))
        return
    if 'source-only' not in args.arms:
        args.arms.insert(0, 'source-only')
    common = [
        '--size', *map(str, args.size), '--batch-size',
        str(args.batch_size), '--iters',
        str(args.iters), '--warmup',
        str(args.warmup), '--threads',
        str(args.threads), '--device', args.device
    ] + (['--amp'] if args.amp else [])
    runs = []
    for round_ in range(args.rounds):
        for model in args.models:
            for arm in args.arms:
                cmd = [
                    sys.executable, __file__, '--arm', arm, '--model', model,
                    *common
                ]
                out = subprocess.run(
                    cmd,
                    check=True,
                    capture_output=True,
                    text=True,
                    env=dict(os.environ, OMP_NUM_THREADS=str(args.threads)))
                runs.append(
                    dict(
                        json.loads(out.stdout.strip().splitlines()[-1]),
                        round=round_))
                print(
                    f'round {round_}  {model:17s} {arm:25s} '
                    f'{statistics.median(runs[-1]["times"]):.3f} s/iter '
                    f'{runs[-1]["peak_mib"]:.0f} MiB',
                    flush=True)
    threads = f'{args.threads} thread' + ('s' if args.threads > 1 else '')
    header = (
        f'{args.device}{" amp" if args.amp else " fp32"}, {args.batch_size} images per '
        f'domain, {args.size[0]}x{args.size[1]}, {threads}, '
        f'{args.rounds} rounds x {args.iters} timed iterations after {args.warmup} '
        f'warm-up')
    text = table(summarise(runs))
    print(f'\n{header}\n\n{text}')
    if args.out:
        with open(args.out + '.json', 'w') as f:
            json.dump(dict(args=vars(args), runs=runs), f, indent=1)
        with open(args.out + '.md', 'w') as f:
            f.write(f'{header}\n\n{text}\n')


if __name__ == '__main__':
    main()

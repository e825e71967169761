"""ASM: mmasm against the authors' training loop, at equal work, side by side.

Three arms train the same mmseg DeepLab-v2 segmentor (same initial weights,
same batches, same eps draws) with ASM for a few iterations:

* ``authors``: the per-step work of RoyalVane/ASM's ``ASM_train.py``,
  rewritten around the mmseg segmentor: each of the n steps re-encodes
  the source and the target with the VGG encoder, runs the style VAE and the
  decoder with their weights requiring gradients (the authors never freeze
  them), feeds ``[stylized, source]`` to the segmentor with BN in train
  mode, upsamples the logits, adds the consistency loss on the per-channel
  norms of pre-BN conv outputs (all blocks recorded, layer4's used), calls
  ``backward(retain_graph=True)``, moves eps by ``20 / loss * grad`` and
  steps SGD. Their focal loss and position-attention module are left out
  (mmasm has neither), so that the segmentor's math is the same.
* ``runner``: mmasm's path, ``ASMHook`` in mmengine's Runner, with the
  authors' switches (``norm_eval=False``, ``consistency_mode='authors'``,
  ``step_rule='authors'``, ``keep_source``, ``clamp_stylized=False``,
  anchor at the crop size).
* ``api``: mmasm's plain-PyTorch API (``AdversarialStyleMining`` and the
  segmentor's ``loss``) with the same switches.
* ``runner-amp`` (``--amp``, GPU only): the runner arm under mmengine's
  ``AmpOptimWrapper``; not equal work (fp16), reported on its own.

Equal work is checked: every arm logs the loss of each optimizer step, and
with the same seeds the fp32 arms' losses agree (printed as the largest
relative difference to the authors' arm). Each arm runs in a fresh process
per round (rounds interleave the arms), so its peak memory is its own
(CPU: peak RSS above the footprint after imports; GPU:
``torch.cuda.max_memory_allocated``).

    python tools/benchmarks/bench_asm_vs_authors.py --models deeplabv2_r18 --sizes 256x512
    python tools/benchmarks/bench_asm_vs_authors.py --device cuda --amp --sizes 256x512 512x1024
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from bench_asm_step import peak_rss_mib, rss_mib, segmentor_cfg, write_data

MODELS = ('deeplabv2_r18', 'deeplabv2_r101')
FP32_ARMS = ('authors', 'runner', 'api', 'segmentor-only')
CAFFE_MEAN = (104.008, 116.669, 122.679)  # the authors' IMG_MEAN (BGR)
LR = 1e-3
SEARCH_DEPTH = 2
STEP_SIZE = 20.0
CONSISTENCY_WEIGHT = 2e-4


def use_mmasm_scope():
    from mmengine.registry import init_default_scope
    import mmasm  # noqa: F401
    init_default_scope('mmasm')


def model_cfg(name, size):
    """DeepLab-v2 with the authors' BN (train mode, frozen affine) and
    consistency loss."""
    cfg = segmentor_cfg(name, size)
    cfg.backbone.norm_eval = False
    cfg.consistency_mode = 'authors'
    cfg.consistency_weight = CONSISTENCY_WEIGHT
    return cfg


def write_inputs(tmp, name, size):
    """Data (4 crops), a target at twice the crop size (as Cityscapes'
    2048x1024 against 1024x512 crops), RAIN and segmentor weights."""
    import cv2
    import numpy as np
    import torch
    from mmasm.models import RAIN
    from mmasm.registry import MODELS as REGISTRY
    use_mmasm_scope()
    if not os.path.isdir(f'{tmp}/data'):
        write_data(f'{tmp}/data', size)
        rng = np.random.default_rng(1)
        target = cv2.resize(rng.integers(0, 256, (8, 16, 3), dtype=np.uint8),
                            (2 * size[1], 2 * size[0]), interpolation=cv2.INTER_CUBIC)
        cv2.imwrite(f'{tmp}/target.png', target)
        torch.manual_seed(0)
        torch.save(RAIN().state_dict(), f'{tmp}/rain.pth')
    torch.manual_seed(0)
    model = REGISTRY.build(model_cfg(name, size))
    model.init_weights()
    torch.save(dict(state_dict=model.state_dict()), f'{tmp}/{name}.pth')


def dataset_cfg(data_root):
    return dict(type='CityscapesDataset', data_root=data_root,
                data_prefix=dict(img_path='leftImg8bit/train', seg_map_path='gtFine/train'),
                pipeline=[dict(type='LoadImageFromFile'), dict(type='LoadAnnotations'),
                          dict(type='PackSegInputs')])


def batches(args):
    """The Runner's batches, in its order (no shuffling), collated."""
    from mmengine.dataset import pseudo_collate
    from mmasm.registry import DATASETS
    dataset = DATASETS.build(dataset_cfg(f'{args.tmp}/data'))
    index = 0
    while True:
        items = [dataset[(index + i) % len(dataset)] for i in range(args.batch_size)]
        index += args.batch_size
        yield pseudo_collate(items)


def load_segmentor(args):
    import torch
    from mmasm.registry import MODELS as REGISTRY
    model = REGISTRY.build(model_cfg(args.model, args.size))
    state = torch.load(f'{args.tmp}/{args.model}.pth', weights_only=True)['state_dict']
    model.load_state_dict(state)
    return model.to(args.device).train()


def search_generator(seed, iteration, device):
    """The stream ASMHook draws iteration ``iteration``'s eps from (rank 0)."""
    import torch
    from mmasm.utils import seed_generator
    return seed_generator(torch.Generator(device=device), seed, iteration, 1)


def load_rain(args):
    import torch
    from mmasm.models import RAIN
    rain = RAIN()
    rain.load_state_dict(torch.load(f'{args.tmp}/rain.pth', weights_only=True))
    return rain.to(args.device).eval()


def synchronize(device):
    import torch
    if device.startswith('cuda'):
        torch.cuda.synchronize()


def target_at_crop(args):
    """The target resized to the crop size, as both sides encode it."""
    from mmasm.models.rain.resampling import bicubic_resize
    from mmasm.utils import read_rgb
    return bicubic_resize(read_rgb(f'{args.tmp}/target.png')[None], args.size).to(args.device)


def run_authors(args, record):
    """The authors' loop around the mmseg segmentor."""
    import torch
    from asm_authors_loop import AuthorsASMLoop
    from mmasm.utils import bgr255_to_rgb01
    segmentor = load_segmentor(args)
    loop = AuthorsASMLoop(segmentor, load_rain(args), target_at_crop(args), CAFFE_MEAN, LR,
                          SEARCH_DEPTH, STEP_SIZE, CONSISTENCY_WEIGHT)
    mean = torch.tensor(CAFFE_MEAN, device=args.device).view(1, 3, 1, 1)
    data = batches(args)
    for iteration in range(args.warmup + args.iters):
        batch = next(data)  # their loader's work: float BGR minus the mean, RGB [0, 1]
        images_s = torch.stack(batch['inputs']).to(args.device).float() - mean
        images_s_rgb = bgr255_to_rgb01(batch['inputs'], args.device)
        labels_s = torch.stack([s.gt_sem_seg.data[0] for s in batch['data_samples']]
                               ).to(args.device).long()
        gen = search_generator(args.seed, iteration, args.device)
        torch.randint(1, (len(images_s), ), generator=gen, device=args.device)  # anchor index
        noise = torch.randn(len(images_s), STYLE_LATENT, generator=gen, device=args.device)
        record.start()
        losses = loop.iteration(images_s, labels_s, images_s_rgb, noise)
        record.stop(losses)


def run_api(args, record):
    """mmasm's plain-PyTorch API: AdversarialStyleMining and the segmentor's loss."""
    import torch
    from mmasm.models import AdversarialStyleMining
    from mmasm.models.rain import compute_anchor
    from mmasm.utils import bgr255_to_rgb01, make_style_batch, rgb01_to_bgr255
    segmentor = load_segmentor(args)
    mining = AdversarialStyleMining(load_rain(args), SEARCH_DEPTH, STEP_SIZE, step_rule='authors')
    mining.anchor_mean, mining.anchor_std = compute_anchor(
        mining.rain, f'{args.tmp}/target.png', args.size)
    optimizer = torch.optim.SGD(segmentor.parameters(), lr=LR, momentum=0.9, weight_decay=5e-4)
    data = batches(args)
    for iteration in range(args.warmup + args.iters):
        batch = next(data)
        record.start()
        images = bgr255_to_rgb01(batch['inputs'], args.device)
        search = mining.search(images, search_generator(args.seed, iteration, args.device))
        losses = []
        for depth in range(SEARCH_DEPTH):
            last = depth == SEARCH_DEPTH - 1
            with torch.set_grad_enabled(not last):
                stylized = search.stylized()
            style_batch = make_style_batch(rgb01_to_bgr255(stylized, clamp=False), batch['inputs'],
                                           batch['data_samples'], keep_source=True)
            style_batch = segmentor.data_preprocessor(style_batch, True)
            loss = sum(v for k, v in segmentor.loss(**style_batch).items() if 'loss' in k)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            if not last:
                search.step(losses[-1])
        record.stop(losses)


def run_segmentor_only(args, record):
    """The floor: the segmentor's n steps on [source, source] (same shapes,
    same losses) without any RAIN work."""
    import torch
    from mmasm.utils import make_style_batch
    segmentor = load_segmentor(args)
    optimizer = torch.optim.SGD(segmentor.parameters(), lr=LR, momentum=0.9, weight_decay=5e-4)
    data = batches(args)
    for _ in range(args.warmup + args.iters):
        batch = next(data)
        record.start()
        losses = []
        for _ in range(SEARCH_DEPTH):
            images = torch.stack(batch['inputs']).float()
            style_batch = make_style_batch(images, batch['inputs'], batch['data_samples'],
                                           keep_source=True)
            style_batch = segmentor.data_preprocessor(style_batch, True)
            loss = sum(v for k, v in segmentor.loss(**style_batch).items() if 'loss' in k)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        record.stop(losses)


def run_runner(args, record, amp=False, defaults=False):
    """mmasm's Runner path: ASMHook in mmengine's IterBasedTrainLoop, with
    the authors' switches, or (``defaults``) with mmasm's shipped ones."""
    from mmengine.hooks import Hook
    from mmengine.runner import Runner

    class IterationTimer(Hook):
        priority = 'VERY_HIGH'

        def before_train_iter(self, runner, batch_idx, data_batch=None):
            record.start()

    class IterationEnd(Hook):
        priority = 'LOWEST'  # after every other hook's work

        def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
            hub = runner.message_hub
            record.stop([hub.get_scalar(f'train/asm_loss_depth{d}').current()
                         for d in range(SEARCH_DEPTH)])

    hook = dict(type='ASMHook', rain_checkpoint=f'{args.tmp}/rain.pth',
                target=f'{args.tmp}/target.png', search_depth=SEARCH_DEPTH, step_size=STEP_SIZE,
                step_rule='authors', keep_source=True, clamp_stylized=False, anchor_size='crop',
                vis_interval=0)
    model = model_cfg(args.model, args.size)
    if defaults:  # frozen BN in eval mode, Eq. 7 as in the paper, clamped images
        model.backbone.norm_eval = True
        model.consistency_mode = 'paper'
        hook.update(step_rule='paper', clamp_stylized=True)
    optim_type = 'AmpOptimWrapper' if amp else 'OptimWrapper'
    cfg = dict(
        default_scope='mmasm', work_dir=f'{args.tmp}/work_{args.model}_{args.arm}',
        model=model,
        load_from=f'{args.tmp}/{args.model}.pth',
        train_dataloader=dict(batch_size=args.batch_size, num_workers=0,
                              sampler=dict(type='InfiniteSampler', shuffle=False),
                              dataset=dataset_cfg(f'{args.tmp}/data')),
        train_cfg=dict(type='IterBasedTrainLoop', max_iters=args.warmup + args.iters),
        optim_wrapper=dict(type=optim_type, optimizer=dict(
            type='SGD', lr=LR, momentum=0.9, weight_decay=5e-4)),
        custom_hooks=[hook], default_hooks=dict(checkpoint=None),
        randomness=dict(seed=args.seed), log_level='ERROR')
    runner = Runner.from_cfg(cfg)
    runner.register_hook(IterationTimer())
    runner.register_hook(IterationEnd())
    runner.train()


STYLE_LATENT = 512
ARM_RUNNERS = {'authors': run_authors, 'api': run_api, 'runner': run_runner,
               'segmentor-only': run_segmentor_only,
               'runner-defaults': lambda args, record: run_runner(args, record, defaults=True),
               'runner-amp': lambda args, record: run_runner(args, record, amp=True)}


class Record:
    """Wall and CPU (process) times and losses of each iteration. The CPU
    time of a single-threaded run is its work, unlike its wall time, even
    on a machine that other jobs share."""

    def __init__(self, device):
        self.device, self.times, self.cpu_times, self.losses = device, [], [], []

    def start(self):
        synchronize(self.device)
        self._start, self._cpu_start = time.perf_counter(), time.process_time()

    def stop(self, losses):
        synchronize(self.device)
        self.times.append(time.perf_counter() - self._start)
        self.cpu_times.append(time.process_time() - self._cpu_start)
        self.losses.append([float(x) for x in losses])


def run_arm(args) -> dict:
    import torch
    use_mmasm_scope()
    torch.set_num_threads(args.threads)
    cuda = args.device.startswith('cuda')
    base = torch.cuda.memory_allocated() if cuda else rss_mib()
    record = Record(args.device)
    ARM_RUNNERS[args.arm](args, record)
    peak = (torch.cuda.max_memory_allocated() - base) / 2**20 if cuda else peak_rss_mib() - base
    return dict(model=args.model, size=list(args.size), arm=args.arm,
                times=record.times[args.warmup:], cpu_times=record.cpu_times[args.warmup:],
                losses=record.losses, peak_mib=peak)


def loss_differences(arm, reference):
    """Relative differences of two arms' losses: at the first optimizer
    step (same weights, same eps: equal forward math) and the largest over
    all steps (later steps inherit float rounding through eps and SGD)."""
    pairs = [(a, b) for la, lb in zip(arm['losses'], reference['losses']) for a, b in zip(la, lb)]
    diffs = [abs(a - b) / max(abs(b), 1e-12) for a, b in pairs]
    return diffs[0], max(diffs)


def median_of(rows, key):
    return statistics.median(t for r in rows for t in r[key])


def summarize(results, arms):
    """One row per model, size and arm: median wall and CPU seconds per
    iteration over all rounds, speed-up over the authors' loop (authors'
    time / arm's time), peak memory and loss agreement."""
    lines = ['| segmentor | crop | arm | wall s / iter | x authors (wall) | CPU s / iter | '
             'x authors (CPU) | peak MiB | x authors | loss diff: 1st step / max |',
             '|---|---|---|---|---|---|---|---|---|---|']
    keys = sorted({(r['model'], tuple(r['size'])) for r in results}, key=str)
    for model, size in keys:
        rows = {arm: [r for r in results if r['model'] == model and tuple(r['size']) == size
                      and r['arm'] == arm] for arm in arms}
        ref = rows['authors']
        ref_wall, ref_cpu = median_of(ref, 'times'), median_of(ref, 'cpu_times')
        ref_mem = statistics.median(r['peak_mib'] for r in ref)
        for arm in arms:
            wall, cpu = median_of(rows[arm], 'times'), median_of(rows[arm], 'cpu_times')
            mem = statistics.median(r['peak_mib'] for r in rows[arm])
            if arm in ('runner', 'api', 'authors'):  # equal math
                diff = '{:.0e} / {:.0e}'.format(*loss_differences(rows[arm][0], ref[0]))
            else:
                diff = 'n/a (other work)'
            lines.append(f'| {model} | {size[1]}x{size[0]} | {arm} | {wall:.2f} | '
                         f'{ref_wall / wall:.2f} | {cpu:.2f} | {ref_cpu / cpu:.2f} | {mem:.0f} | '
                         f'{mem / ref_mem:.2f} | {diff} |')
    return '\n'.join(lines)


def parse_size(text):
    width, height = map(int, text.lower().split('x'))
    return height, width


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--models', nargs='+', default=list(MODELS), choices=MODELS)
    parser.add_argument('--sizes', nargs='+', default=['512x256'], metavar='WxH',
                        help='crop sizes, width x height (the issue: 512x256 1024x512)')
    parser.add_argument('--batch-size', type=int, default=1)
    parser.add_argument('--iters', type=int, default=2, help='timed iterations per process')
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--rounds', type=int, default=2,
                        help='fresh processes per arm, arms interleaved')
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--amp', action='store_true',
                        help="add the Runner arm under mmengine's AmpOptimWrapper (GPU)")
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--arms', nargs='+', default=list(FP32_ARMS) + ['runner-defaults'],
                        choices=[a for a in ARM_RUNNERS if a != 'runner-amp'],
                        help="runner-defaults: mmasm's shipped switches (frozen BN in eval "
                        'mode, paper consistency and step, clamp): not equal work')
    parser.add_argument('--arm', choices=list(ARM_RUNNERS), help=argparse.SUPPRESS)
    parser.add_argument('--model', choices=MODELS, help=argparse.SUPPRESS)
    parser.add_argument('--size', type=int, nargs=2, help=argparse.SUPPRESS)
    parser.add_argument('--tmp', help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def child_command(args, arm, model, size, tmp):
    return [sys.executable, __file__, '--arm', arm, '--model', model, '--tmp', tmp,
            '--size', *map(str, size), '--batch-size', str(args.batch_size),
            '--iters', str(args.iters), '--warmup', str(args.warmup),
            '--threads', str(args.threads), '--device', args.device, '--seed', str(args.seed)]


def main(argv=None):
    args = parse_args(argv)
    if args.arm:  # a child process: one arm, one round
        args.size = tuple(args.size)
        print(json.dumps(run_arm(args)))
        return
    if args.amp and not args.device.startswith('cuda'):
        raise SystemExit('--amp needs --device cuda (mmengine AMP on CPU is bf16 and slow)')
    arms = list(args.arms) + (['runner-amp'] if args.amp else [])
    if 'authors' not in arms:
        raise SystemExit("--arms must include 'authors', the reference")
    results = []
    for size in map(parse_size, args.sizes):
        for model in args.models:
            with tempfile.TemporaryDirectory() as tmp:
                subprocess.run([sys.executable, '-c', f'import sys; sys.path.insert(0, {SCRIPT_DIR!r}); '
                                'import mmasm, bench_asm_vs_authors as b; '
                                f'b.write_inputs({tmp!r}, {model!r}, {size!r})'], check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                for round_index in range(args.rounds):
                    order = arms[round_index % len(arms):] + arms[:round_index % len(arms)]
                    for arm in order:
                        out = subprocess.run(child_command(args, arm, model, size, tmp), check=True,
                                             capture_output=True, text=True).stdout
                        results.append(json.loads(out.strip().splitlines()[-1]))
                        r = results[-1]
                        print(f'{model} {size[1]}x{size[0]} round {round_index} {arm:14s} '
                              f'wall {r["times"]} cpu {r["cpu_times"]} s/iter '
                              f'{r["peak_mib"]:.0f} MiB losses {r["losses"]}', flush=True)
    print(f'\n{args.device}, batch {args.batch_size} (+ its stylized copies), search depth '
          f'{SEARCH_DEPTH}, {args.threads} threads, {args.rounds} rounds x {args.iters} timed '
          f'iterations after {args.warmup} warm-up, fresh process per arm and round\n')
    print(summarize(results, arms))


SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))

if __name__ == '__main__':
    main()

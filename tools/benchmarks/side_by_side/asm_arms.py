"""The arms of ``bench_asm_vs_authors.py``: one ASM training run each, in
this process, timed per iteration (see that script's docstring)."""
import os
import time

from tools.benchmarks.bench_asm_step import (dataset_cfg, peak_rss_mib,
                                             rss_mib, segmentor_cfg,
                                             write_data)

MODELS = ('deeplabv2_r18', 'deeplabv2_r101')
FP32_ARMS = ('authors', 'runner', 'api', 'segmentor-only')
CAFFE_MEAN = (104.008, 116.669, 122.679)  # the authors' IMG_MEAN (BGR)
LR = 1e-3
SEARCH_DEPTH = 2
STEP_SIZE = 20.0
CONSISTENCY_WEIGHT = 2e-4
STYLE_LATENT = 512  # eps's dimension


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
        target = cv2.resize(
            rng.integers(0, 256, (8, 16, 3), dtype=np.uint8),
            (2 * size[1], 2 * size[0]),
            interpolation=cv2.INTER_CUBIC)
        cv2.imwrite(f'{tmp}/target.png', target)
        torch.manual_seed(0)
        torch.save(RAIN().state_dict(), f'{tmp}/rain.pth')
    torch.manual_seed(0)
    model = REGISTRY.build(model_cfg(name, size))
    model.init_weights()
    torch.save(dict(state_dict=model.state_dict()), f'{tmp}/{name}.pth')


def batches(args):
    """The Runner's batches, in its order (no shuffling), collated."""
    from mmengine.dataset import pseudo_collate

    from mmasm.registry import DATASETS
    dataset = DATASETS.build(dataset_cfg(f'{args.tmp}/data'))
    index = 0
    while True:
        items = [
            dataset[(index + i) % len(dataset)] for i in range(args.batch_size)
        ]
        index += args.batch_size
        yield pseudo_collate(items)


def load_segmentor(args):
    import torch

    from mmasm.registry import MODELS as REGISTRY
    model = REGISTRY.build(model_cfg(args.model, args.size))
    state = torch.load(
        f'{args.tmp}/{args.model}.pth', weights_only=True)['state_dict']
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
    return bicubic_resize(read_rgb(f'{args.tmp}/target.png')[None],
                          args.size).to(args.device)


def run_authors(args, record):
    """The authors' loop around the mmseg segmentor."""
    import torch

    from mmasm.utils import bgr255_to_rgb01
    from tools.benchmarks.side_by_side.asm_authors_loop import AuthorsASMLoop
    segmentor = load_segmentor(args)
    loop = AuthorsASMLoop(segmentor, load_rain(args), target_at_crop(args),
                          CAFFE_MEAN, LR, SEARCH_DEPTH, STEP_SIZE,
                          CONSISTENCY_WEIGHT)
    mean = torch.tensor(CAFFE_MEAN, device=args.device).view(1, 3, 1, 1)
    data = batches(args)
    for iteration in range(args.warmup + args.iters):
        batch = next(
            data)  # their loader's work: float BGR minus the mean, RGB [0, 1]
        images_s = torch.stack(batch['inputs']).to(args.device).float() - mean
        images_s_rgb = bgr255_to_rgb01(batch['inputs'], args.device)
        labels_s = torch.stack([
            s.gt_sem_seg.data[0] for s in batch['data_samples']
        ]).to(args.device).long()
        gen = search_generator(args.seed, iteration, args.device)
        torch.randint(
            1, (len(images_s), ), generator=gen,
            device=args.device)  # anchor index
        noise = torch.randn(
            len(images_s), STYLE_LATENT, generator=gen, device=args.device)
        record.start()
        losses = loop.iteration(images_s, labels_s, images_s_rgb, noise)
        record.stop(losses)


def sgd_step(segmentor, optimizer, images, batch) -> float:
    """One SGD step of the segmentor on [images, the batch's sources] with
    the batch's labels (content groups for the consistency loss)."""
    from mmasm.utils import make_style_batch
    style_batch = make_style_batch(
        images, batch['inputs'], batch['data_samples'], keep_source=True)
    style_batch = segmentor.data_preprocessor(style_batch, True)
    loss = sum(v for k, v in segmentor.loss(**style_batch).items()
               if 'loss' in k)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()


def run_api(args, record):
    """mmasm's plain-PyTorch API: AdversarialStyleMining and the segmentor's loss."""
    import torch

    from mmasm.models import AdversarialStyleMining
    from mmasm.models.rain import compute_anchor
    from mmasm.utils import bgr255_to_rgb01, rgb01_to_bgr255
    segmentor = load_segmentor(args)
    mining = AdversarialStyleMining(
        load_rain(args), SEARCH_DEPTH, STEP_SIZE, step_rule='authors')
    mining.use_anchor(
        *compute_anchor(mining.rain, f'{args.tmp}/target.png', args.size))
    optimizer = torch.optim.SGD(
        segmentor.parameters(), lr=LR, momentum=0.9, weight_decay=5e-4)
    data = batches(args)
    for iteration in range(args.warmup + args.iters):
        batch = next(data)
        record.start()
        images = bgr255_to_rgb01(batch['inputs'], args.device)
        search = mining.search(
            images, search_generator(args.seed, iteration, args.device))
        losses = []
        for depth in range(SEARCH_DEPTH):
            last = depth == SEARCH_DEPTH - 1
            with torch.set_grad_enabled(not last):
                stylized = search.stylized()
            losses.append(
                sgd_step(segmentor, optimizer,
                         rgb01_to_bgr255(stylized, clamp=False), batch))
            if not last:
                search.step(losses[-1])
        record.stop(losses)


def run_segmentor_only(args, record):
    """The floor: the segmentor's n steps on [source, source] (same shapes,
    same losses) without any RAIN work."""
    import torch
    segmentor = load_segmentor(args)
    optimizer = torch.optim.SGD(
        segmentor.parameters(), lr=LR, momentum=0.9, weight_decay=5e-4)
    data = batches(args)
    for _ in range(args.warmup + args.iters):
        batch = next(data)
        record.start()
        losses = []
        for _ in range(SEARCH_DEPTH):
            losses.append(
                sgd_step(segmentor, optimizer,
                         torch.stack(batch['inputs']).float(), batch))
        record.stop(losses)


def run_runner(args, record, amp=False, defaults=False, channels_last=False):
    """mmasm's Runner path: ASMHook in mmengine's IterBasedTrainLoop, with
    the authors' switches, or (``defaults``) with mmasm's shipped ones;
    ``channels_last``: with ``ChannelsLastHook`` (same math); ``amp``: what
    ``tools/train.py --amp`` makes of the config (GPU: mmengine's
    ``AmpOptimWrapper``, fp16; CPU: ``BF16OptimWrapper``), in channels_last."""
    from mmengine.hooks import Hook
    from mmengine.runner import Runner

    class IterationTimer(Hook):
        priority = 'VERY_HIGH'

        def before_train_iter(self, runner, batch_idx, data_batch=None):
            record.start()

    class IterationEnd(Hook):
        priority = 'LOWEST'  # after every other hook's work

        def after_train_iter(self,
                             runner,
                             batch_idx,
                             data_batch=None,
                             outputs=None):
            hub = runner.message_hub
            record.stop([
                hub.get_scalar(f'train/asm_loss_depth{d}').current()
                for d in range(SEARCH_DEPTH)
            ])

    hook = dict(
        type='ASMHook',
        rain_checkpoint=f'{args.tmp}/rain.pth',
        target=f'{args.tmp}/target.png',
        search_depth=SEARCH_DEPTH,
        step_size=STEP_SIZE,
        step_rule='authors',
        keep_source=True,
        clamp_stylized=False,
        anchor_size='crop',
        vis_interval=0)
    model = model_cfg(args.model, args.size)
    if defaults:  # frozen BN in eval mode, Eq. 7 as in the paper, clamped images
        model.backbone.norm_eval = True
        model.consistency_mode = 'paper'
        hook.update(step_rule='paper', clamp_stylized=True)
    optim_type = 'OptimWrapper'
    if amp:
        optim_type = 'AmpOptimWrapper' if args.device.startswith(
            'cuda') else 'BF16OptimWrapper'
    extra_hooks = [dict(
        type='ChannelsLastHook')] if amp or channels_last else []
    cfg = dict(
        default_scope='mmasm',
        work_dir=f'{args.tmp}/work_{args.model}_{args.arm}',
        model=model,
        load_from=f'{args.tmp}/{args.model}.pth',
        train_dataloader=dict(
            batch_size=args.batch_size,
            num_workers=0,
            sampler=dict(type='InfiniteSampler', shuffle=False),
            dataset=dataset_cfg(f'{args.tmp}/data')),
        train_cfg=dict(
            type='IterBasedTrainLoop', max_iters=args.warmup + args.iters),
        optim_wrapper=dict(
            type=optim_type,
            optimizer=dict(type='SGD', lr=LR, momentum=0.9,
                           weight_decay=5e-4)),
        custom_hooks=[hook, *extra_hooks],
        default_hooks=dict(checkpoint=None),
        randomness=dict(seed=args.seed),
        log_level='ERROR')
    runner = Runner.from_cfg(cfg)
    runner.register_hook(IterationTimer())
    runner.register_hook(IterationEnd())
    runner.train()


ARM_RUNNERS = {
    'authors':
    run_authors,
    'api':
    run_api,
    'runner':
    run_runner,
    'segmentor-only':
    run_segmentor_only,
    'runner-defaults':
    lambda args, record: run_runner(args, record, defaults=True),
    'runner-channels-last':
    lambda args, record: run_runner(args, record, channels_last=True),
    'runner-amp':
    lambda args, record: run_runner(args, record, amp=True)
}


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
    peak = (torch.cuda.max_memory_allocated() -
            base) / 2**20 if cuda else peak_rss_mib() - base
    return dict(
        model=args.model,
        size=list(args.size),
        arm=args.arm,
        times=record.times[args.warmup:],
        cpu_times=record.cpu_times[args.warmup:],
        losses=record.losses,
        peak_mib=peak)

"""DACS / DAFormer / MIC: mmasm against the authors' code, side by side.

Needs local checkouts of lhoyer/DAFormer and lhoyer/MIC (the repository
stores none of their files) and, for the colour jitter, the authors' kornia
0.5.x in a folder of its own::

    pip install --no-deps --target /tmp/kornia058 kornia==0.5.8
    python -m tools.benchmarks.bench_self_training_vs_authors \\
        --daformer /tmp/daformer_src --mic /tmp/mic_src \\
        --kornia-path /tmp/kornia058
    # + --configs: mmasm's resolved configs against the authors', key by key
    # + --write-golden tests/data/self_training_golden.pt

The step check builds one tiny SegFormer student (with dropout and
DropPath, which both teachers must switch off; the students draw the same
masks from the same global seed), copies it to both sides,
and runs ``--iters`` iterations of DAFormer + MIC on the same source /
target batches and the same random decisions (side_by_side/st_authors_step.py), then
compares pseudo-labels and weights, ClassMix masks, mixed images / labels /
weights, MIC's masked images, every loss, the student's gradients and the
EMA teacher. It runs twice: colour jitter off (the same math must agree
to float rounding) and as drawn (kornia 0.5's jitter against mmasm's).
Component checks: rare-class sampling, the warm-up + poly schedule, the
optimizer's parameter groups and the DAFormer head (the authors' forward
with their weights converted to mmasm's head, side_by_side/st_authors_head.py).
"""
import argparse
from copy import deepcopy

import numpy as np
import torch

from tools.benchmarks.side_by_side.st_authors_checks import (
    optimizer_groups_check, rcs_check, schedule_check, write_golden)
from tools.benchmarks.side_by_side.st_authors_configs import config_table
from tools.benchmarks.side_by_side.st_authors_head import daformer_head_check
from tools.benchmarks.side_by_side.st_authors_import import AuthorsCode
from tools.benchmarks.side_by_side.st_authors_step import (AuthorsStep,
                                                           max_abs, relative,
                                                           replay_draws,
                                                           teacher_difference)

TINY_STUDENT = dict(
    type='EncoderDecoder',
    data_preprocessor=dict(
        type='SegDataPreProcessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True,
        pad_val=0,
        seg_pad_val=255),
    backbone=dict(
        type='MixVisionTransformer',
        in_channels=3,
        embed_dims=8,
        num_stages=2,
        num_layers=[1, 1],
        num_heads=[1, 2],
        patch_sizes=[7, 3],
        strides=[4, 2],
        sr_ratios=[4, 2],
        out_indices=(0, 1),
        mlp_ratio=2,
        qkv_bias=True,
        drop_path_rate=0.1),
    decode_head=dict(
        type='SegformerHead',
        in_channels=[8, 16],
        in_index=[0, 1],
        channels=16,
        dropout_ratio=0.1,
        num_classes=19,
        norm_cfg=dict(type='BN', requires_grad=True),
        align_corners=False,
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
THINGS = [6, 7, 11, 12, 13, 14, 15, 16, 17, 18]
#: τ for the random tiny student, whose confidence never reaches 0.968
#: (a weight of 0 would hide the pseudo-label losses)
THRESHOLD = 0.06
#: rows that differ by design (docs/en/benchmarks/self_training_fidelity.md)
EXPECTED = {'teacher_bn_buffers': 'by design'}
#: mmasm's loss values of the last step check, to show they are not 0
LOSSES = {}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--daformer', required=True, help='lhoyer/DAFormer root')
    p.add_argument('--mic', required=True, help='lhoyer/MIC root')
    p.add_argument('--kornia-path', help='folder holding kornia 0.5.x')
    p.add_argument('--iters', type=int, default=3)
    p.add_argument('--size', type=int, default=128)
    p.add_argument(
        '--configs',
        action='store_true',
        help='also print the config comparison')
    p.add_argument('--write-golden', metavar='FILE')
    return p.parse_args(argv)


def scene(rng, size, block=16):
    """A (BGR uint8 image (3, H, W), train-id label (1, H, W)) pair."""
    grid = rng.integers(0, 19, (size // block, size // block))
    grid[rng.random(grid.shape) < 0.1] = 255
    label = np.kron(grid, np.ones((block, block), dtype=grid.dtype))
    image = rng.integers(0, 256, (3, 1, 1)) * (label[None] % 7 + 1) // 7
    image = image + rng.integers(-30, 31, (3, size, size))
    return (torch.from_numpy(np.clip(image, 0, 255).astype(np.uint8)),
            torch.from_numpy(label.astype(np.int64))[None])


def batches(size, iters, seed=0):
    from mmengine.structures import PixelData
    from mmseg.structures import SegDataSample
    rng = np.random.default_rng(seed)
    out = []
    for it in range(iters):
        data = dict(
            inputs=[],
            data_samples=[],
            target_inputs=[],
            target_data_samples=[])
        for i in range(2):
            img, lbl = scene(rng, size)
            meta = dict(
                img_shape=(size, size),
                ori_shape=(size, size),
                draw_seed=1000 * it + i)
            s = SegDataSample(metainfo=meta)
            s.gt_sem_seg = PixelData(data=lbl)
            data['inputs'].append(img)
            data['data_samples'].append(s)
            data['target_inputs'].append(scene(rng, size)[0])
            data['target_data_samples'].append(SegDataSample(metainfo=meta))
        out.append(data)
    return out


def build_mmasm(size, jitter, **options):
    from mmengine.registry import init_default_scope

    from mmasm.registry import MODELS
    init_default_scope('mmasm')
    cfg = dict(TINY_STUDENT)
    cfg['data_preprocessor'] = dict(
        cfg['data_preprocessor'], size=(size, size))
    torch.manual_seed(0)
    model = MODELS.build(
        dict(
            cfg,
            type='DACS',
            vis_interval=0,
            alpha=0.999,
            color_jitter_prob=0.8 if jitter else 0.0,
            **options))
    model.init_weights()
    return model


def step_rows(code, args, jitter):
    from mmengine.optim import OptimWrapper
    size, top, bottom, block = args.size, 4, 30, 32
    model = build_mmasm(
        size,
        jitter,
        pseudo_weight_ignore_top=top,
        pseudo_weight_ignore_bottom=bottom,
        mix_classes='authors',
        imnet_feature_dist=dict(loss_weight=0.005, classes=THINGS),
        mic=dict(block_size=block, mask_ratio=0.7),
        pseudo_threshold=THRESHOLD)
    # FD's distance is 0 while the student equals its ImageNet copy, where
    # the norm's gradient is float noise: move the student off it first
    initial = deepcopy(model.segmentor_module)
    torch.manual_seed(1)
    with torch.no_grad():
        for p in model.segmentor_module.parameters():
            p.add_(
                torch.randn_like(p) * 0.05 *
                (p.std() if p.numel() > 1 else 1.0))
    cfg = dict(
        alpha=0.999,
        pseudo_threshold=THRESHOLD,
        ignore_top=top,
        ignore_bottom=bottom,
        fd=True,
        fd_lambda=0.005,
        fd_classes=THINGS,
        num_classes=19,
        mic=True,
        mask_ratio=0.7,
        block_size=block)
    authors = AuthorsStep(
        code, model.segmentor_module, cfg, lr=6e-5, imnet=initial)
    optim = torch.optim.AdamW(model.segmentor_module.parameters(), lr=6e-5)
    grads = {}
    optim.register_step_pre_hook(
        lambda *a: grads.update({
            n: p.grad.detach().clone()
            for n, p in model.segmentor_module.named_parameters()
            if p.grad is not None
        }))
    wrapper = OptimWrapper(optim)
    norm = model.normalization
    mean, std = norm.mean.view(1, 3, 1, 1), norm.std.view(1, 3, 1, 1)
    rows = {}
    for it, data in enumerate(batches(size, args.iters)):
        pre = model.data_preprocessor
        src = pre(
            dict(inputs=data['inputs'], data_samples=data['data_samples']),
            True)
        trg = pre(
            dict(
                inputs=data['target_inputs'],
                data_samples=data['target_data_samples']), True)
        gt = torch.stack([s.gt_sem_seg.data for s in src['data_samples']])
        gens = model._generators(src['data_samples'])
        plans = replay_draws(gens, gt.squeeze(1), model,
                             0.8 if jitter else 0.0, 0.5,
                             (size // block, size // block))
        record = {}
        with record_mmasm(model, record):
            torch.manual_seed(100 + it)  # the students' dropout masks
            log = model.train_step(data, wrapper)
        torch.manual_seed(100 + it)
        ours = authors.step(src['inputs'], gt.long(), trg['inputs'], plans,
                            mean, std)
        diffs = dict(
            pseudo_label=max_abs(record['pseudo'].label, ours['pseudo_label']),
            pseudo_weight=max_abs(record['pseudo'].weight,
                                  ours['pseudo_weight']),
            class_masks=max_abs(record['mixed']['masks'], ours['class_masks']),
            mixed_image=max_abs(record['mixed']['inputs'], ours['mixed_img']),
            mixed_label=max_abs(record['mixed']['labels'],
                                ours['mixed_label']),
            mixed_weight=max_abs(record['mixed']['weight'],
                                 ours['mixed_weight']),
            masked_image=max_abs(record['masked'], ours['masked_img']),
            loss_source_ce=max_abs(log['src.decode.loss_ce'], ours['src']),
            loss_fd=max_abs(log['src.loss_imnet_feat_dist'], ours['fd']),
            loss_mixed_ce=max_abs(log['mix.decode.loss_ce'], ours['mix']),
            loss_masked_ce=max_abs(log['masked.decode.loss_ce'],
                                   ours['masked']),
            student_grads_relative=max(
                relative(grads[n], g) for n, g in authors.grads.items()))
        params, bufs = teacher_difference(model.teacher, authors.teacher)
        diffs['teacher_params'] = params
        diffs['teacher_bn_buffers'] = bufs
        for k, v in diffs.items():
            rows.setdefault(k, []).append(v)
        for k in ('src.decode.loss_ce', 'src.loss_imnet_feat_dist',
                  'mix.decode.loss_ce', 'masked.decode.loss_ce'):
            LOSSES.setdefault(k, []).append(float(log[k]))
    left = code.draws.left()
    if left:
        raise RuntimeError(f'planned draws left unused: {left}')
    return rows


class record_mmasm:
    """Record mmasm's intermediate values through its own methods."""

    def __init__(self, model, record):
        self.model, self.record = model, record

    def __enter__(self):
        import mmasm.models.uda.dacs as dacs
        m, rec = self.model, self.record
        self.saved = (dacs.pseudo_labels, dacs.class_mix_masks, m._class_mix,
                      m._masked_target)

        def pseudo(*a, **k):
            rec['pseudo'] = self.saved[0](*a, **k)
            return rec['pseudo']

        def masks(*a, **k):
            rec['masks'] = self.saved[1](*a, **k)
            return rec['masks']

        def class_mix(*a, **k):
            rec['mixed'] = dict(self.saved[2](*a, **k), masks=rec['masks'])
            return rec['mixed']

        def masked(*a, **k):
            rec['masked'] = self.saved[3](*a, **k)
            return rec['masked']

        dacs.pseudo_labels, dacs.class_mix_masks = pseudo, masks
        m._class_mix, m._masked_target = class_mix, masked
        return self

    def __exit__(self, *args):
        import mmasm.models.uda.dacs as dacs
        dacs.pseudo_labels, dacs.class_mix_masks = self.saved[:2]
        del self.model._class_mix, self.model._masked_target
        return False


def print_table(title, rows, tolerance=1e-5):
    print(f'\n### {title}\n')
    print('| quantity | max abs diff per iteration | agrees |')
    print('|---|---|---|')
    for k, values in rows.items():
        text = ', '.join(f'{v:.2e}' for v in values)
        ok = 'yes' if max(values) <= tolerance else '**no**'
        if k in EXPECTED and ok != 'yes':
            ok = f'no ({EXPECTED[k]})'
        print(f'| {k} | {text} | {ok} |')
    if LOSSES:
        print('\nmmasm\'s losses: ' +
              '; '.join(f'{k} ' + ', '.join(f'{v:.4g}' for v in vs)
                        for k, vs in LOSSES.items()))
        LOSSES.clear()


def main(argv=None):
    args = parse_args(argv)
    from mmengine.logging import MMLogger
    MMLogger.get_instance('mmengine', log_level='WARNING')
    torch.set_num_threads(1)
    code = AuthorsCode(args.daformer, args.mic, args.kornia_path)
    print_table('step, colour jitter off', step_rows(code, args, False))
    if code.kornia is not None:
        print_table('step, colour jitter as drawn (kornia 0.5 vs mmasm)',
                    step_rows(code, args, True))
    print_table(
        'components', {
            **rcs_check(code),
            **schedule_check(),
            **optimizer_groups_check(TINY_STUDENT),
            **daformer_head_check(args.daformer)
        })
    if args.configs:
        print(config_table(args.daformer, args.mic))
    if args.write_golden:
        write_golden(code, args.write_golden)
        print(f'\nwrote {args.write_golden}')


if __name__ == '__main__':
    main()

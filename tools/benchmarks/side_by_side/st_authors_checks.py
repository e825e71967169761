"""Component checks of mmasm's self-training against the authors' code:
rare-class sampling, the learning-rate schedule, the optimizer's parameter
groups; and the golden values the tests compare with
(tests/data/self_training_golden.pt)."""
import json
import re
import tempfile
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import torch

REPO = Path(__file__).resolve().parents[2]
DAFORMER_CFG = (
    REPO / 'configs/daformer/'
    'daformer_mit-b5_1xb2-40k_gta5-to-cityscapes-512x512.py')
#: Pixel counts per class of a few source images (class: pixels).
CLASS_COUNTS = [
    {
        0: 9000,
        1: 4000,
        2: 7000,
        13: 3500,
        5: 100
    },
    {
        0: 12000,
        2: 5000,
        8: 6000,
        10: 9000,
        11: 3100
    },
    {
        0: 8000,
        1: 2500,
        13: 6000,
        18: 3001,
        6: 3400
    },
    {
        2: 15000,
        8: 7000,
        10: 3000,
        11: 200,
        12: 3200
    },
    {
        0: 7000,
        13: 9000,
        17: 4000,
        5: 3500,
        1: 3100
    },
    {
        0: 11000,
        2: 6000,
        8: 2000,
        10: 5000,
        18: 2900
    },
]


def _write_authors_stats(root, counts, min_pixels):
    stats = [
        dict({
            str(c): n
            for c, n in cnt.items()
        }, file=f'img{i}.png') for i, cnt in enumerate(counts)
    ]
    (root / 'sample_class_stats.json').write_text(json.dumps(stats))
    with_class = {}
    for i, cnt in enumerate(counts):
        for c, n in cnt.items():
            with_class.setdefault(str(c), []).append([f'img{i}.png', n])
    (root / 'samples_with_class.json').write_text(json.dumps(with_class))


def authors_rcs(code, counts, temp=0.01, min_pixels=3000):
    """The authors' ``UDADataset`` RCS state (classes, probabilities,
    images per class) on ``counts``."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write_authors_stats(root, counts, min_pixels)
        classes, probs = code.rcs.get_rcs_class_probs(str(root), temp)
        with_class = json.loads((root / 'samples_with_class.json').read_text())
    samples = {
        c: [f for f, n in with_class[str(c)] if n > min_pixels]
        for c in classes
    }
    return SimpleNamespace(
        rcs_classes=classes,
        rcs_classprob=probs,
        samples_with_class=samples,
        file_to_idx={f'img{i}.png': i
                     for i in range(len(counts))},
        source=list(range(len(counts))),
        rcs_min_crop_ratio=0,
        target=[dict(img_metas=j, img=j) for j in range(3)])


def rcs_check(code, draws=2000):
    from mmasm.datasets.rare_class_sampling import RareClassSampling
    theirs = authors_rcs(code, CLASS_COUNTS)
    ours = RareClassSampling(CLASS_COUNTS, 0.01, 3000)
    probs = ours.probabilities()
    prob_diff = max(
        abs(probs.get(c, 0.0) - float(p))
        for c, p in zip(theirs.rcs_classes, theirs.rcs_classprob))
    order = float(list(theirs.rcs_classes) != list(ours.classes))
    # their draw returns {**source item, target}; source items are indices
    theirs.source = [dict(idx=i) for i in range(len(CLASS_COUNTS))]
    np.random.seed(0)
    seq_a = []
    for _ in range(draws):
        item = code.rcs.get_rare_class_sample(theirs)
        seq_a.append((item['idx'], item['target_img']))
    np.random.seed(0)
    seq_b = []
    for _ in range(draws):
        _, index = ours.sample(np.random)
        seq_b.append((index, int(np.random.randint(3))))
    mismatch = sum(a != b for a, b in zip(seq_a, seq_b)) / draws
    return {
        'rcs_class_probs': [prob_diff],
        'rcs_class_order': [order],
        f'rcs_draws_differing_share ({draws} draws, seed 0)': [mismatch]
    }


def authors_lr(it,
               base=6e-5,
               max_iters=40000,
               warmup=1500,
               ratio=1e-6,
               power=1.0,
               min_lr=0.0):
    """mmcv 1.x ``PolyLrUpdaterHook`` with ``warmup='linear'``
    (mmcv/runner/hooks/lr_updater.py, the authors' ``poly10warm``): the
    warm-up factor multiplies the poly learning rate of the iteration."""
    regular = (base - min_lr) * (1 - it / max_iters)**power + min_lr
    if it < warmup:
        k = (1 - it / warmup) * (1 - ratio)
        return regular * (1 - k)
    return regular


def mmasm_lrs(iters=40000, base=6e-5, cfg_file=DAFORMER_CFG):
    """The learning rate of each iteration under the config's schedulers,
    stepped as mmengine's ``ParamSchedulerHook`` does."""
    from mmengine.config import Config
    from mmengine.optim.scheduler import _ParamScheduler  # noqa: F401
    from mmengine.registry import PARAM_SCHEDULERS
    cfg = Config.fromfile(str(cfg_file))
    optim = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=base)
    schedulers = [
        PARAM_SCHEDULERS.build(dict(s, optimizer=optim))
        for s in cfg.param_scheduler
    ]
    lrs = []
    for _ in range(iters):
        lrs.append(optim.param_groups[0]['lr'])
        optim.step()
        for s in schedulers:
            s.step()
    return lrs


def schedule_check():
    lrs = mmasm_lrs()
    diffs = [abs(a - authors_lr(i)) / 6e-5 for i, a in enumerate(lrs)]
    return {
        'lr / base lr, 40k iterations': [max(diffs)],
        'lr / base lr at iteration 1500': [diffs[1500]]
    }


def authors_param_name(name):
    """mmseg 1.x MiT parameter names -> the authors' MiT names
    (mix_transformer.py of SegFormer / DAFormer), as far as the optimizer's
    keys see them: a stage's final LayerNorm ``layers.i.2`` is ``norm{i+1}``
    there."""
    return re.sub(r'backbone\.layers\.(\d+)\.2\.',
                  lambda m: f'backbone.norm{int(m.group(1)) + 1}.', name)


def authors_group(name, base_lr, base_wd, custom_keys):
    """mmcv 1.x ``DefaultOptimizerConstructor``: the first key (longest,
    then alphabetical) contained in the name sets lr and decay."""
    for key in sorted(sorted(custom_keys), key=len, reverse=True):
        if key in name:
            return (base_lr * custom_keys[key].get('lr_mult', 1.0),
                    base_wd * custom_keys[key].get('decay_mult', 1.0))
    return base_lr, base_wd


def optimizer_groups_check(student_cfg, cfg_file=DAFORMER_CFG):
    from mmengine.config import Config
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import init_default_scope

    from mmasm.registry import MODELS
    init_default_scope('mmasm')
    cfg = Config.fromfile(str(cfg_file))
    model = MODELS.build(student_cfg)
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    ours = {}
    names = {id(p): n for n, p in model.named_parameters()}
    for group in wrapper.optimizer.param_groups:
        for p in group['params']:
            ours[names[id(p)]] = (group['lr'], group['weight_decay'])
    opt = cfg.optim_wrapper.optimizer
    keys = {
        k: dict(v)
        for k, v in cfg.optim_wrapper.paramwise_cfg.custom_keys.items()
    }
    lr_diff, wd_diff, differing = 0.0, 0.0, []
    for name, (lr, wd) in ours.items():
        a_lr, a_wd = authors_group(
            authors_param_name(name), opt.lr, opt.weight_decay, keys)
        lr_diff, wd_diff = max(lr_diff,
                               abs(lr - a_lr)), max(wd_diff, abs(wd - a_wd))
        if (lr, wd) != (a_lr, a_wd):
            differing.append(name)
    if differing:
        print('parameter groups differing from the authors\':', differing)
    return {
        'optimizer lr per parameter': [lr_diff],
        'optimizer weight decay per parameter': [wd_diff]
    }


def counts_matrix(counts=CLASS_COUNTS, num_classes=19):
    return torch.tensor([[c.get(k, 0) for k in range(num_classes)]
                         for c in counts])


def golden_inputs():
    """Fixed small inputs of the golden values (plain tensors); the random
    decisions are mmasm's draws from ``Generator().manual_seed(seed)``."""
    g = torch.Generator().manual_seed(0)
    labels = torch.randint(0, 5, (2, 4, 4), generator=g)
    labels = labels.repeat_interleave(4, 1).repeat_interleave(4, 2)
    labels[0, :4, :4] = 255
    return dict(
        logits=torch.randn(2, 19, 8, 8, generator=g) * 6,
        labels=labels,
        images=torch.randn(2, 3, 16, 16, generator=g),
        target_images=torch.randn(2, 3, 16, 16, generator=g),
        pseudo_label=torch.randint(0, 19, (2, 16, 16), generator=g),
        mix_seeds=torch.tensor([11, 12]),
        jitter_image=torch.rand(1, 3, 12, 12, generator=g),
        jitter_factors=torch.tensor([1.15, 0.85, 1.1, -0.15]),
        jitter_order=torch.tensor([2, 0, 3, 1]),
        blur_image=torch.rand(1, 3, 20, 24, generator=g),
        blur_sigma=torch.tensor(0.7),
        fd_student=torch.randn(2, 4, 4, 4, generator=g),
        fd_imnet=torch.randn(2, 4, 4, 4, generator=g),
        fd_classes=torch.tensor([1, 3]),
        ema_teacher=torch.randn(5, 3, generator=g),
        ema_student=torch.randn(5, 3, generator=g),
        mask_seeds=torch.tensor([21, 22]),
        class_counts=counts_matrix())


def _mmasm_perm(labels, seed):
    """mmasm's ClassMix draw (``mix_classes='authors'``): a permutation of
    the batch's classes, the first half kept."""
    n = len(torch.unique(labels))
    gen = torch.Generator().manual_seed(int(seed))
    return torch.randperm(n, generator=gen)[:(n + 1) // 2]


def write_golden(code, path):
    """The authors' outputs on :func:`golden_inputs`."""
    x, out = golden_inputs(), {}
    t = code.transforms
    self_ = SimpleNamespace(
        pseudo_threshold=0.968,
        psweight_ignore_top=2,
        psweight_ignore_bottom=3)
    label, weight = code.mic_dacs.get_pseudo_label_and_weight(
        self_, x['logits'])
    out['pseudo_label'] = label
    out['pseudo_weight'] = code.mic_dacs.filter_valid_pseudo_region(
        self_, weight, None)
    for seed in x['mix_seeds']:
        code.draws.plan('choice', _mmasm_perm(x['labels'], seed).numpy())
    masks = t.get_class_masks(x['labels'].unsqueeze(1))
    out['class_masks'] = torch.cat(masks).bool().squeeze(1)
    mixed = [
        t.one_mix(masks[i], torch.stack(
            (x['images'][i], x['target_images'][i])),
                  torch.stack((x['labels'][i], x['pseudo_label'][i])))
        for i in range(2)
    ]
    out['mixed_images'] = torch.cat([m[0] for m in mixed])
    out['mixed_labels'] = torch.cat([m[1] for m in mixed])
    f = x['jitter_factors']
    code.draws.plan(
        'jitter',
        dict(
            brightness_factor=f[0:1],
            contrast_factor=f[1:2],
            saturation_factor=f[2:3],
            hue_factor=f[3:4],
            order=x['jitter_order']))
    with code.planned_jitter():
        out['jittered'] = t.color_jitter(
            1.0,
            torch.zeros(1, 3, 1, 1),
            torch.full((1, 3, 1, 1), 255.0),
            data=x['jitter_image'].clone(),
            s=0.2,
            p=0.2)[0]
    code.draws.plan('uniform', float(x['blur_sigma']))
    out['blurred'] = t.gaussian_blur(1.0, data=x['blur_image'])[0]
    cells = code.utils.downscale_label_ratio(x['labels'].unsqueeze(1), 4, 0.75,
                                             19, 255)
    out['fd_cells'] = cells.squeeze(1)
    mask = torch.any(cells[..., None] == x['fd_classes'], -1)
    out['fd_distance'] = code.daformer_dacs.masked_feat_dist(
        None, x['fd_student'], x['fd_imnet'], mask)
    teacher = torch.nn.Linear(3, 5, bias=False)
    student = torch.nn.Linear(3, 5, bias=False)
    teacher.weight.data.copy_(x['ema_teacher'])
    student.weight.data.copy_(x['ema_student'])
    ns = SimpleNamespace(
        alpha=0.999, get_ema_model=lambda: teacher, get_model=lambda: student)
    code.daformer_dacs._update_ema(ns, 1)
    out['ema_after_iter1'] = teacher.weight.detach().clone()
    code.daformer_dacs._update_ema(ns, 2000)
    out['ema_after_iter2000'] = teacher.weight.detach().clone()
    gen = code.masking.BlockMaskGenerator(mask_ratio=0.7, mask_block_size=4)
    code.draws.plan(
        'rand',
        torch.stack([
            torch.rand((4, 4), generator=torch.Generator().manual_seed(int(s)))
            for s in x['mask_seeds']
        ]).unsqueeze(1))
    out['block_masks'] = gen.generate_mask(torch.zeros(2, 3, 16, 16))
    theirs = authors_rcs(code, CLASS_COUNTS)
    out['rcs_classes'] = torch.tensor(theirs.rcs_classes)
    out['rcs_probs'] = torch.from_numpy(np.asarray(theirs.rcs_classprob))
    its = [0, 1, 750, 1499, 1500, 1501, 20000, 39999]
    out['lr_iters'] = torch.tensor(its)
    out['lr'] = torch.tensor([authors_lr(i) for i in its], dtype=torch.float64)
    left = code.draws.left()
    if left:
        raise RuntimeError(f'planned draws left unused: {left}')
    torch.save(dict(inputs=x, authors=out), path)

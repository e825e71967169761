"""What the ASH model tests share: the tiny SegFormer config plus
``configs/_base_/ash/ash.py`` as the README adds it, its data and random
RAIN, a 2-iteration run and its first batch (the fixtures of
``conftest.py`` build them)."""
import cv2
import numpy as np
import torch
from mmengine.config import Config
from mmengine.runner import Runner
from utils import (REPO_ROOT, TINY_SEGFORMER_CFG, data_root_overrides,
                   save_random_rain, write_cityscapes)

from mmasm.utils import bgr255_to_rgb01

ASH_BASE = REPO_ROOT / 'configs' / '_base_' / 'ash' / 'ash.py'
NETWORKS = ('segmentor', 'hallucinator', 'discriminator')
# larger steps than the recipe's, so that two iterations change every weight
TEST_OPTIM_WRAPPER = dict(
    hallucinator=dict(
        type='OptimWrapper', optimizer=dict(type='SGD', lr=0.05,
                                            momentum=0.9)),
    discriminator=dict(
        type='OptimWrapper',
        optimizer=dict(type='Adam', lr=1e-3, betas=(0.9, 0.99))))
POLY = [
    dict(
        type='PolyLR', power=0.9, eta_min=0.0, begin=0, end=8, by_epoch=False)
]
# mmengine does not checkpoint NumPy's RNG (random crops / flips), see test_resume.py
DETERMINISTIC_PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs')
]


def write_files(root):
    """Cityscapes-layout data, a random RAIN and a style folder (three
    cv2-written images of different sizes, one grayscale in a subfolder)."""
    write_cityscapes(root / 'cityscapes', 'train', num_images=4, seed=0)
    write_cityscapes(root / 'cityscapes', 'val', num_images=2, seed=1)
    save_random_rain(root / 'rain.pth')
    rng = np.random.default_rng(0)
    (root / 'style' / 'gray').mkdir(parents=True)
    cv2.imwrite(
        str(root / 'style' / 'a.png'),
        rng.integers(0, 256, (40, 48, 3), np.uint8))
    cv2.imwrite(
        str(root / 'style' / 'b.jpg'),
        rng.integers(0, 256, (64, 32, 3), np.uint8))
    cv2.imwrite(
        str(root / 'style' / 'gray' / 'c.png'),
        rng.integers(0, 256, (24, 24), np.uint8))
    return dict(
        data=root / 'cityscapes',
        rain=str(root / 'rain.pth'),
        style=str(root / 'style'))


def write_ash_config(path, files, extra='', **model):
    """The tiny SegFormer config plus ``configs/_base_/ash/ash.py``: the type
    switch and the optim wrapper entries merged in (the README's recipe)."""
    model = dict(
        dict(
            rain_checkpoint=files['rain'],
            style=files['style'],
            vis_interval=0), **model)
    lines = [f'_base_ = [{str(TINY_SEGFORMER_CFG)!r}, {str(ASH_BASE)!r}]']
    lines += [
        f'{key} = {value!r}'
        for key, value in data_root_overrides(files['data']).items()
    ]
    lines += [
        f'model = dict(_base_.ash_model, **{model!r})',
        f'optim_wrapper = dict(_base_.ash_optim_wrapper, **{TEST_OPTIM_WRAPPER!r})',
        "log_level = 'WARNING'", extra
    ]
    path.write_text('\n'.join(lines) + '\n')
    return path


def ash_cfg(work_dir, files, max_iters=2, **model):
    cfg = Config.fromfile(
        write_ash_config(work_dir.parent / f'{work_dir.name}.py', files,
                         **model))
    cfg.work_dir = str(work_dir)
    cfg.train_cfg = dict(
        type='IterBasedTrainLoop', max_iters=max_iters, val_interval=100)
    return cfg


def cloned_state(module):
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def copy_batch(batch):
    return dict(
        inputs=list(batch['inputs']),
        data_samples=[s.clone() for s in batch['data_samples']])


def record_two_iterations(work_dir, files):
    """A 2-iteration run that records the batches of its train steps."""
    # ASH's adversarial weight and content / style terms larger than the
    # recipe's (1e-3, 0, 0), so that two iterations change every weight
    runner = Runner.from_cfg(
        ash_cfg(
            work_dir,
            files,
            vis_interval=1,
            ash_adv_weight=1.0,
            content_weight=0.01,
            style_weight=0.01))
    model = runner.model
    initial = {
        name: cloned_state(getattr(model, name))
        for name in ('hallucinator', 'discriminator')
    }
    batches = []
    original = model.train_step

    def train_step(data, optim_wrapper):
        batches.append(copy_batch(data))
        return original(data, optim_wrapper)

    model.train_step = train_step
    runner.train()
    model.train_step = original
    return dict(
        runner=runner,
        model=model,
        initial=initial,
        batches=batches,
        work_dir=work_dir)


def first_batch_inputs(run):
    """The first batch of a :func:`record_two_iterations` run, preprocessed,
    with the segmentor's logits and style images; the model in training
    mode."""
    runner, model = run['runner'], run['model']
    model.train()
    raw = copy_batch(run['batches'][0])
    batch = model.data_preprocessor(copy_batch(raw), True)
    images = bgr255_to_rgb01(raw['inputs'], 'cpu')
    return dict(
        runner=runner,
        model=model,
        batch=batch,
        images=images,
        trained_batch=raw,
        logits=model.source_logits(batch['inputs']),
        styles=model.style_stream.draw(len(images), images.shape[-2:]))


def render(inputs, seed=5):
    return inputs['model'].hallucinator(inputs['images'], inputs['styles'],
                                        inputs['logits'],
                                        torch.Generator().manual_seed(seed))


def ash_terms(inputs):
    with torch.no_grad():
        return inputs['model'].ash_objective(
            render(inputs), inputs['batch']['data_samples'])


def plain_gradient_step(inputs, predicted_change):
    """One update 1 without momentum, with the learning rate at which the
    first-order change of ASH's objective is ``-predicted_change``; returns
    the objective's terms before and after it. (With a random segmentor
    and discriminator the gradients are ~1e-6, so the step size is chosen
    from the gradient norm rather than fixed.)"""
    model, samples = inputs['model'], inputs['batch']['data_samples']
    wrapper = inputs['runner'].optim_wrapper['hallucinator']
    params = list(model.hallucinator.conditioning_net.parameters())
    loss = model.ash_objective(render(inputs), samples)['loss']
    squared_norm = sum(
        g.pow(2).sum() for g in torch.autograd.grad(loss, params)).item()
    wrapper.optimizer.state.clear()
    for group in wrapper.param_groups:
        group.update(
            lr=predicted_change / squared_norm, momentum=0.0, weight_decay=0.0)
    before = ash_terms(inputs)
    model.update_hallucinator(inputs['images'], inputs['styles'],
                              inputs['logits'], samples, wrapper,
                              torch.Generator().manual_seed(5))
    return before, ash_terms(inputs)

"""The ASH model inside mmengine's real Runner on the tiny SegFormer, added
to that (unmodified) config as the README shows: the three updates,
checkpoints, resume, bad input and two gloo ranks (a run of the suite's
one two-rank launch, ``two_rank_runs`` in conftest.py)."""
import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapperDict
from mmengine.runner import Runner
from utils import (REPO_ROOT, TINY_SEGFORMER_CFG, data_root_overrides, run_log,
                   save_random_rain, write_cityscapes)

from mmasm.models import RAIN
from mmasm.utils import bgr255_to_rgb01, build_module

pytestmark = pytest.mark.usefixtures('one_torch_thread')

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


@pytest.fixture(scope='module')
def files(tmp_path_factory):
    return write_files(tmp_path_factory.mktemp('ash_data'))


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


@pytest.fixture(scope='module')
def trained(tmp_path_factory, files):
    """A 2-iteration run that records the batches of its train steps."""
    work_dir = tmp_path_factory.mktemp('ash_run') / 'work'
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


def test_each_iteration_trains_the_three_networks_with_their_own_wrappers(
        trained, files):
    runner, model = trained['runner'], trained['model']
    wrappers = runner.optim_wrapper
    assert isinstance(wrappers, OptimWrapperDict) and set(
        wrappers.keys()) == set(NETWORKS)
    # the tiny config's own optim_wrapper keys became the segmentor's entry
    assert wrappers['segmentor'].optimizer.defaults['lr'] == 0.01
    assert type(wrappers['discriminator'].optimizer).__name__ == 'Adam'
    hub = runner.message_hub
    for name in ('ash_adv', 'ash_content', 'ash_style', 'ash_loss',
                 'disc_loss', 'loss_ash_adv', 'decode.loss_ce',
                 *(f'{n}.lr' for n in NETWORKS)):
        assert np.isfinite(hub.get_scalar(f'train/{name}').current()), name
    scalars = {
        k: hub.get_scalar(f'train/{k}').current()
        for k in ('loss', 'decode.loss_ce', 'loss_ash_adv')
    }
    assert scalars['loss'] == pytest.approx(scalars['decode.loss_ce'] +
                                            scalars['loss_ash_adv'])
    assert 0 < scalars['loss_ash_adv'] < 0.01  # adv_weight 1e-3 times a BCE
    for name in ('hallucinator', 'discriminator'):
        initial = trained['initial'][name]
        changed = [
            k for k, v in getattr(model, name).state_dict().items()
            if not torch.equal(v, initial[k])
        ]
        assert changed == list(initial), name
    rain = torch.load(files['rain'], weights_only=True)
    assert all(
        torch.equal(v, rain[k])
        for k, v in model.hallucinator.rain.state_dict().items())
    # two counted forwards per iteration (source, stylized); the class-map
    # forward and update 1's leave the batch-norm statistics alone
    counts = {
        m.num_batches_tracked.item()
        for m in model.segmentor.modules()
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)
    }
    assert counts == {4}
    grids = list(trained['work_dir'].glob(
        '*/vis_data/vis_image/ash_hallucination_*.png'))
    assert len(grids) == 2


def test_frozen_conditioning_net_stays_at_its_initialisation(tmp_path, files):
    """``train_hallucinator=False`` (the ablation): the conditioning net
    ends bit-identical to its initialisation (no step, not even weight
    decay), while the segmentor and the discriminator train."""
    runner = Runner.from_cfg(
        ash_cfg(
            tmp_path / 'work',
            files,
            ash_adv_weight=1.0,
            train_hallucinator=False))
    model = runner.model
    initial = {name: cloned_state(getattr(model, name)) for name in NETWORKS}
    runner.train()
    for name in NETWORKS:
        same = [
            torch.equal(v, initial[name][k])
            for k, v in getattr(model, name).state_dict().items()
        ]
        if name == 'hallucinator':
            assert all(same)
        else:
            assert not all(same), name
    assert np.isfinite(
        runner.message_hub.get_scalar('train/loss_ash_adv').current())


def test_checkpoint_holds_every_network_optimizer_and_scheduler(trained):
    checkpoint = torch.load(
        trained['work_dir'] / 'iter_2.pth',
        map_location='cpu',
        weights_only=False)
    state = checkpoint['state_dict']
    for prefix in ('segmentor.backbone.', 'hallucinator.conditioning_net.',
                   'discriminator.'):
        assert any(k.startswith(prefix) for k in state), prefix
    assert 'style_seed' in state
    assert not any(k.startswith('hallucinator.rain.')
                   for k in state)  # read from its file
    assert set(checkpoint['optimizer']) == set(NETWORKS)
    assert checkpoint['optimizer']['discriminator']['state']  # Adam moments
    assert set(checkpoint['param_schedulers']) == set(NETWORKS)


@pytest.fixture
def fixed_inputs(trained):
    """The run's first batch, preprocessed, with the segmentor's logits and
    style images; the model in training mode."""
    runner, model = trained['runner'], trained['model']
    model.train()
    raw = copy_batch(trained['batches'][0])
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


def test_ash_step_raises_the_adversarial_loss_and_touches_nothing_else(
        fixed_inputs):
    model = fixed_inputs['model']
    segmentor, disc = cloned_state(model.segmentor), cloned_state(
        model.discriminator)
    model.content_weight = model.style_weight = 0.0
    before, after = plain_gradient_step(fixed_inputs, 3e-6)
    # ASH minimises -adv: the adversarial loss rises by the predicted amount
    assert after['adv'].item() - before['adv'].item() == pytest.approx(
        3e-6, rel=0.5)
    # with the content / style terms on, the step lowers ASH's whole objective
    model.content_weight = model.style_weight = 0.01
    before, after = plain_gradient_step(fixed_inputs, 1e-5)
    assert after['loss'].item() - before['loss'].item() == pytest.approx(
        -1e-5, rel=0.5)
    # weights and batch-norm statistics of G and D as they were
    for key, value in cloned_state(model.segmentor).items():
        assert torch.equal(value, segmentor[key]), key
    assert all(
        torch.equal(v, disc[k])
        for k, v in model.discriminator.state_dict().items())
    assert all(p.grad is None for p in model.segmentor.parameters())
    assert all(p.grad is None for p in model.discriminator.parameters())


def stylized_inputs(inputs):
    with torch.no_grad():
        stylized = render(inputs).stylized
    return inputs['model'].preprocess_stylized(stylized,
                                               inputs['batch']['data_samples'])


def test_discriminator_step_lowers_its_bce(fixed_inputs):
    model = fixed_inputs['model']
    wrapper = fixed_inputs['runner'].optim_wrapper['discriminator']
    source = fixed_inputs['logits'].softmax(1)
    with torch.no_grad():
        _, stylized = model.segmentor_losses(fixed_inputs['batch'],
                                             stylized_inputs(fixed_inputs))
    before = model.discriminator_loss(source, stylized).item()
    assert model.update_discriminator(source, stylized,
                                      wrapper).item() == pytest.approx(before)
    assert model.discriminator_loss(source, stylized).item() < before


def test_segmentor_step_lowers_segmentation_plus_adversarial_loss(
        fixed_inputs):
    model, batch = fixed_inputs['model'], fixed_inputs['batch']
    wrapper = fixed_inputs['runner'].optim_wrapper['segmentor']
    stylized = stylized_inputs(fixed_inputs)

    def seg_plus_adv():
        with torch.no_grad():
            losses, _ = model.segmentor_losses(batch, stylized)
        assert set(losses) == {
            'decode.loss_ce', 'decode.acc_seg', 'loss_ash_adv'
        }
        return model.parse_losses(losses)[0].item()

    before = seg_plus_adv()
    disc, net = cloned_state(model.discriminator), cloned_state(
        model.hallucinator)
    log_vars, _ = model.update_segmentor(batch, stylized, wrapper)
    assert log_vars['loss'].item() == pytest.approx(before, rel=1e-5)
    assert seg_plus_adv() < before
    assert all(
        torch.equal(v, disc[k])
        for k, v in model.discriminator.state_dict().items())
    assert all(
        torch.equal(v, net[k])
        for k, v in model.hallucinator.state_dict().items())
    assert all(p.grad is None for p in model.discriminator.parameters())


def test_damping_scales_both_adversarial_weights_to_zero(fixed_inputs):
    """The authors' ``damping = 1 - i / N`` on G's and ASH's adversarial
    weights, set by each iteration's train step."""
    model, batch = fixed_inputs['model'], fixed_inputs['batch']
    stylized, samples = stylized_inputs(fixed_inputs), batch['data_samples']
    hub = MessageHub.get_current_instance()
    iteration, weights = hub.get_info('iter'), (model.content_weight,
                                                model.style_weight)
    model.content_weight = model.style_weight = 0.0

    def adversarial_terms():
        with torch.no_grad():
            losses, _ = model.segmentor_losses(batch, stylized)
            terms = model.ash_objective(render(fixed_inputs), samples)
        return losses['loss_ash_adv'].item(), terms['loss'].item(
        ), terms['adv'].item()

    try:
        model.damping_iters = 8
        assert [model.damping_at(i)
                for i in (0, 2, 8, 9)] == [1.0, 0.75, 0.0, 0.0]
        model.damping = 1.0
        seg_adv, ash_loss, adv = adversarial_terms()
        assert ash_loss == pytest.approx(-model.ash_adv_weight * adv)
        model.damping = 0.75
        assert adversarial_terms() == pytest.approx(
            (0.75 * seg_adv, 0.75 * ash_loss, adv))
        hub.update_info('iter',
                        6)  # the train step reads the runner's iteration
        model.train_step(
            copy_batch(fixed_inputs['trained_batch']),
            fixed_inputs['runner'].optim_wrapper)
        assert model.damping == 0.25
    finally:
        model.damping_iters, model.damping = None, 1.0
        model.content_weight, model.style_weight = weights
        hub.update_info('iter', iteration)


def resumable_cfg(work_dir, files, max_iters):
    cfg = ash_cfg(work_dir, files, max_iters=max_iters)
    cfg.param_scheduler = {name: POLY for name in NETWORKS}
    cfg.train_dataloader.dataset.pipeline = DETERMINISTIC_PIPELINE
    return cfg


def test_resume_reproduces_an_uninterrupted_run(tmp_path, files):
    full = Runner.from_cfg(
        resumable_cfg(tmp_path / 'full', files, max_iters=4))
    full.train()
    Runner.from_cfg(resumable_cfg(tmp_path / 'half', files,
                                  max_iters=2)).train()
    cfg = resumable_cfg(tmp_path / 'half', files, max_iters=4)
    cfg.resume, cfg.load_from = True, str(tmp_path / 'half' / 'iter_2.pth')
    resumed = Runner.from_cfg(cfg)
    resumed.train()
    expected = full.model.state_dict()
    assert set(resumed.model.state_dict()) == set(expected)
    for key, value in resumed.model.state_dict().items():
        torch.testing.assert_close(
            value, expected[key], rtol=0, atol=1e-6, msg=key)
    for name in NETWORKS:
        wrappers = full.optim_wrapper[name], resumed.optim_wrapper[name]
        assert wrappers[1].get_lr()['lr'] == pytest.approx(
            wrappers[0].get_lr()['lr'])
        assert wrappers[1].get_lr(
        )['lr'][0] < wrappers[0].optimizer.defaults['lr']
        for full_state, resumed_state in zip(
                *(w.state_dict()['state'].values() for w in wrappers)):
            for key in full_state:
                torch.testing.assert_close(
                    resumed_state[key], full_state[key], rtol=0, atol=1e-6)


def test_bad_input_fails_before_training(tmp_path, files):

    def build(**kwargs):
        cfg = Config.fromfile(
            write_ash_config(tmp_path / 'cfg.py', files, **kwargs))
        return build_module(cfg.model)

    with pytest.raises(FileNotFoundError, match='ASH style.*nowhere'):
        build(style=str(tmp_path / 'nowhere'))
    (tmp_path / 'empty').mkdir()
    with pytest.raises(
            ValueError, match='ASH style.*no image in folder.*empty'):
        build(style=str(tmp_path / 'empty'))
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        build(rain_checkpoint=str(tmp_path / 'missing.pth'))
    torch.save(RAIN(vae_depth=2).state_dict(), tmp_path / 'depth2.pth')
    with pytest.raises(
            ValueError, match=r'depth2.pth does not match(.|\n)*vae_depth=2'):
        build(rain_checkpoint=str(tmp_path / 'depth2.pth'))
    with pytest.raises(ValueError, match='adv_weight'):
        build(adv_weight=-1.0)
    for key in ('hallucinator', 'discriminator'):
        with pytest.raises(
                ValueError,
                match=f'predicts 19 classes but {key}.num_classes=5'):
            build(**{key: dict(num_classes=5)})
    # a config that kept a single optim wrapper: the first step names the fix
    cfg = ash_cfg(tmp_path / 'run', files)
    cfg.optim_wrapper = Config.fromfile(str(TINY_SEGFORMER_CFG)).optim_wrapper
    runner = Runner.from_cfg(cfg)
    with pytest.raises(TypeError, match='MultiNetworkOptimWrapperConstructor'):
        runner.train()
    assert runner.iter == 0 and not list((tmp_path / 'run').glob('*.pth'))


def write_two_rank_run(root):
    """A 3-iteration ASH run on 2 gloo ranks (``work_dir``), with ASH's
    weights larger than the recipe's (1e-3, 0, 0): every weight moves."""
    extra = """
runner_type = 'CPUDistRunner'
custom_imports = dict(imports=['mmasm', 'rank_state_hook'])
custom_hooks = [dict(type='RankStateDumpHook')]
train_cfg = dict(max_iters=3, val_interval=100)
log_level = 'INFO'
"""
    config = write_ash_config(
        root / 'cfg.py',
        write_files(root),
        extra,
        ash_adv_weight=1.0,
        content_weight=0.01,
        style_weight=0.01)
    return [[config, '--work-dir', root / 'work_dir']]


@pytest.mark.two_rank_runs(write=write_two_rank_run)
def test_two_gloo_ranks_keep_all_three_networks_identical(two_rank_runs):
    work_dir = two_rank_runs[write_two_rank_run] / 'work_dir'
    log = run_log(work_dir)
    assert 'Iter(train) [3/3]' in log and 'loss_ash_adv' in log and 'disc_loss' in log

    def load(name):
        return torch.load(
            work_dir / name, map_location='cpu', weights_only=True)

    init = load('rank0_init.pth')
    assert init['wrapper'] == 'MMSeparateDistributedDataParallel'
    models = [load(f'rank{rank}_final.pth')['state_dict'] for rank in (0, 1)]
    for network in NETWORKS:
        assert any(k.startswith(f'{network}.') for k in models[0]), network
    assert [
        k for k in models[0] if not torch.equal(models[0][k], models[1][k])
    ] == []
    unchanged = [
        k for k in models[0]
        if torch.equal(models[0][k], init['state_dict'][k])
    ]
    assert unchanged == ['style_seed']

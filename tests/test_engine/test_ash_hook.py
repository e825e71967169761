"""ASHHook inside mmengine's real Runner on the tiny SegFormer: the three
updates, checkpoints, resume, bad input, and two gloo ranks."""
import copy
import os
import sys

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

import mmasm  # noqa: F401
from mmasm.engine.hooks import ASHHook
from mmasm.engine.hooks.ash_segmentor import preprocess, segmentation_logits
from mmasm.utils import bgr255_to_rgb01, rgb01_to_bgr255
from mmasm.models import RAIN
from utils import (DATA_DIR, REPO_ROOT, finish_tool, free_port, save_random_rain, start_tool,
                   tiny_segformer_config, write_cityscapes, write_tiny_segformer_config)

SGD = dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.05, momentum=0.9))
ADAM = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-3, betas=(0.9, 0.99)))


pytestmark = pytest.mark.usefixtures('one_torch_thread')


@pytest.fixture(scope='module')
def files(tmp_path_factory):
    """Cityscapes-layout data, a random RAIN and a style folder (three
    cv2-written images of different sizes, one grayscale in a subfolder)."""
    root = tmp_path_factory.mktemp('ash_data')
    write_cityscapes(root / 'cityscapes', 'train', num_images=4, seed=0)
    write_cityscapes(root / 'cityscapes', 'val', num_images=2, seed=1)
    save_random_rain(root / 'rain.pth')
    rng = np.random.default_rng(0)
    (root / 'style' / 'gray').mkdir(parents=True)
    cv2.imwrite(str(root / 'style' / 'a.png'), rng.integers(0, 256, (40, 48, 3), np.uint8))
    cv2.imwrite(str(root / 'style' / 'b.jpg'), rng.integers(0, 256, (64, 32, 3), np.uint8))
    cv2.imwrite(str(root / 'style' / 'gray' / 'c.png'), rng.integers(0, 256, (24, 24), np.uint8))
    return dict(data=root / 'cityscapes', rain=str(root / 'rain.pth'), style=str(root / 'style'))


def ash_hook_cfg(files, **kwargs):
    hook = dict(type='ASHHook', rain_checkpoint=files['rain'], style=files['style'],
                num_classes=19, vis_interval=0, ash_optim_wrapper=SGD, disc_optim_wrapper=ADAM)
    hook.update(kwargs)
    return hook


def ash_cfg(work_dir, files, max_iters=2, **hook_kwargs):
    cfg = tiny_segformer_config(files['data'], work_dir)
    cfg.custom_hooks = [ash_hook_cfg(files, **hook_kwargs)]
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=100)
    cfg.log_level = 'WARNING'
    return cfg


def ash_hook(runner):
    return next(h for h in runner.hooks if isinstance(h, ASHHook))


def cloned_state(module):
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def copy_batch(batch):
    return dict(inputs=list(batch['inputs']),
                data_samples=[s.clone() for s in batch['data_samples']])


@pytest.fixture(scope='module')
def trained(tmp_path_factory, files):
    """A 2-iteration run; records every segmentor train_step."""
    work_dir = tmp_path_factory.mktemp('ash_run')
    runner = Runner.from_cfg(ash_cfg(str(work_dir), files, vis_interval=1))
    hook = ash_hook(runner)
    initial = dict(conditioning_net=cloned_state(hook.hallucinator.conditioning_net),
                   discriminator=cloned_state(hook.discriminator))
    steps = []
    original = runner.model.train_step

    def train_step(data, optim_wrapper):
        steps.append(copy.copy(data))
        return original(data, optim_wrapper)

    runner.model.train_step = train_step
    runner.train()
    runner.model.train_step = original
    return dict(runner=runner, hook=hook, initial=initial, steps=steps, work_dir=work_dir)


def test_each_iteration_makes_one_segmentor_step_and_trains_ash_and_d(trained):
    runner, hook = trained['runner'], trained['hook']
    assert len(trained['steps']) == 2  # the loop's own step; ASH adds none
    hub = runner.message_hub
    for name in ('ash_adv', 'ash_content', 'ash_style', 'ash_loss', 'disc_loss',
                 'loss_ash_adv', 'decode.loss_ce'):
        assert np.isfinite(hub.get_scalar(f'train/{name}').current()), name
    scalars = {k: hub.get_scalar(f'train/{k}').current()
               for k in ('loss', 'decode.loss_ce', 'loss_ash_adv')}
    assert scalars['loss'] == pytest.approx(scalars['decode.loss_ce'] + scalars['loss_ash_adv'])
    assert 0 < scalars['loss_ash_adv'] < 0.01  # adv_weight 1e-3 times a BCE
    for name, module in (('conditioning_net', hook.hallucinator.conditioning_net),
                         ('discriminator', hook.discriminator)):
        changed = [k for k, v in module.state_dict().items()
                   if not torch.equal(v, trained['initial'][name][k])]
        assert changed == list(module.state_dict()), name
    assert len(list(trained['work_dir'].glob('*/vis_data/vis_image/ash_hallucination_*.png'))) == 2


def test_checkpoint_holds_ash_and_discriminator_state(trained):
    hook = trained['hook']
    checkpoint = torch.load(trained['work_dir'] / 'iter_2.pth', map_location='cpu',
                            weights_only=False)
    state = checkpoint['ash_hook']
    assert set(state) == {'conditioning_net', 'discriminator', 'ash_optimizer',
                          'disc_optimizer', 'ash_schedulers', 'disc_schedulers'}
    for name, module in (('conditioning_net', hook.hallucinator.conditioning_net),
                         ('discriminator', hook.discriminator)):
        for key, value in module.state_dict().items():
            assert torch.equal(state[name][key], value), key
    assert state['disc_optimizer']['state']  # Adam moments
    assert not any(k.startswith('rain.') for k in state['conditioning_net'])


@pytest.fixture
def fixed_inputs(trained):
    """A fixed source batch, style images and segmentor logits, with the
    segmentor hooked again (after_run unhooks it)."""
    runner, hook = trained['runner'], trained['hook']
    hook.before_run(runner)
    runner.model.train()
    batch = copy_batch(trained['steps'][0])  # the first batch of the run
    model = runner.model
    with torch.no_grad():
        logits = segmentation_logits(model, preprocess(model, batch['inputs'],
                                                       batch['data_samples']))
    yield dict(runner=runner, hook=hook, model=model, batch=batch, logits=logits,
               images=bgr255_to_rgb01(batch['inputs'], 'cpu'),
               styles=hook.read_styles(len(batch['inputs']), batch['inputs'][0].shape[-2:]))
    hook.after_run(runner)


def render(inputs, seed=5):
    return inputs['hook'].hallucinator(inputs['images'], inputs['styles'], inputs['logits'],
                                       torch.Generator().manual_seed(seed))


def ash_terms(inputs):
    samples = inputs['batch']['data_samples']
    with torch.no_grad():
        return inputs['hook'].ash_objective(inputs['model'], render(inputs), samples)


def plain_gradient_step(inputs, predicted_change):
    """One ASH step without momentum, with the learning rate at which the
    first-order change of ASH's objective is ``-predicted_change``; returns
    the objective's terms before and after it. (With a random segmentor
    and discriminator the gradients are ~1e-6, so the step size is chosen
    from the gradient norm rather than fixed.)"""
    hook, model = inputs['hook'], inputs['model']
    samples = inputs['batch']['data_samples']
    params = list(hook.hallucinator.conditioning_net.parameters())
    loss = hook.ash_objective(model, render(inputs), samples)['loss']
    squared_norm = sum(g.pow(2).sum() for g in torch.autograd.grad(loss, params)).item()
    hook.ash_optim_wrapper.optimizer.state.clear()
    for group in hook.ash_optim_wrapper.param_groups:
        group.update(lr=predicted_change / squared_norm, momentum=0.0)
    before = ash_terms(inputs)
    hook.update_hallucinator(model, render(inputs), samples)
    return before, ash_terms(inputs)


def test_ash_step_raises_the_adversarial_loss_and_touches_nothing_else(fixed_inputs):
    hook, model = fixed_inputs['hook'], fixed_inputs['model']
    segmentor, disc = cloned_state(model), cloned_state(hook.discriminator)
    hook.content_weight = hook.style_weight = 0.0
    before, after = plain_gradient_step(fixed_inputs, 3e-6)
    # ASH minimises -adv: the adversarial loss rises by the predicted amount
    assert after['adv'].item() - before['adv'].item() == pytest.approx(3e-6, rel=0.5)
    # with the content / style terms on, the step lowers ASH's whole objective
    hook.content_weight = hook.style_weight = 0.01
    before, after = plain_gradient_step(fixed_inputs, 1e-5)
    assert after['loss'].item() - before['loss'].item() == pytest.approx(-1e-5, rel=0.5)
    for key, value in cloned_state(model).items():
        assert torch.equal(value, segmentor[key]), key
    assert all(torch.equal(v, disc[k]) for k, v in hook.discriminator.state_dict().items())
    assert all(p.grad is None for p in model.parameters())
    assert all(p.grad is None for p in hook.discriminator.parameters())


def stylized_inputs(inputs):
    with torch.no_grad():
        stylized = rgb01_to_bgr255(render(inputs).stylized)
    return preprocess(inputs['model'], stylized.unbind(0), inputs['batch']['data_samples'])


def test_discriminator_step_lowers_its_bce(fixed_inputs):
    hook, model = fixed_inputs['hook'], fixed_inputs['model']
    source = fixed_inputs['logits'].softmax(1)
    with torch.no_grad():
        stylized = segmentation_logits(model, stylized_inputs(fixed_inputs)).softmax(1)
    before = hook.discriminator_loss(source, stylized).item()
    assert hook.update_discriminator(source, stylized) == pytest.approx(before)
    assert hook.discriminator_loss(source, stylized).item() < before


def test_segmentor_step_lowers_segmentation_plus_adversarial_loss(fixed_inputs):
    runner, hook, model = fixed_inputs['runner'], fixed_inputs['hook'], fixed_inputs['model']
    batch, stylized = fixed_inputs['batch'], stylized_inputs(fixed_inputs)

    def seg_plus_adv():
        hook._stylized_inputs = stylized
        with torch.no_grad():
            losses = model(**model.data_preprocessor(copy_batch(batch), True), mode='loss')
        assert set(losses) == {'decode.loss_ce', 'decode.acc_seg', 'loss_ash_adv'}
        return model.parse_losses(losses)[0].item()

    before = seg_plus_adv()
    disc, net = cloned_state(hook.discriminator), cloned_state(hook.hallucinator)
    hook._stylized_inputs = stylized
    log_vars = runner.model.train_step(copy_batch(batch), runner.optim_wrapper)
    assert log_vars['loss'].item() == pytest.approx(before, rel=1e-5)
    assert seg_plus_adv() < before
    assert all(torch.equal(v, disc[k]) for k, v in hook.discriminator.state_dict().items())
    assert all(torch.equal(v, net[k]) for k, v in hook.hallucinator.state_dict().items())
    assert all(p.grad is None for p in hook.discriminator.parameters())


POLY = [dict(type='PolyLR', power=0.9, eta_min=0.0, begin=0, end=8)]
# mmengine does not checkpoint NumPy's RNG (random crops / flips), see test_resume.py
DETERMINISTIC_PIPELINE = [dict(type='LoadImageFromFile'), dict(type='LoadAnnotations'),
                          dict(type='PackSegInputs')]


def resumable_cfg(work_dir, files, max_iters, **kwargs):
    cfg = ash_cfg(str(work_dir), files, max_iters=max_iters, ash_param_scheduler=POLY,
                  disc_param_scheduler=POLY, **kwargs)
    cfg.train_dataloader.dataset.pipeline = DETERMINISTIC_PIPELINE
    return cfg


def test_resume_restores_ash_and_reproduces_an_uninterrupted_run(tmp_path, files):
    full = Runner.from_cfg(resumable_cfg(tmp_path / 'full', files, max_iters=4))
    full.train()
    Runner.from_cfg(resumable_cfg(tmp_path / 'half', files, max_iters=2)).train()
    cfg = resumable_cfg(tmp_path / 'half', files, max_iters=4)
    cfg.resume, cfg.load_from = True, str(tmp_path / 'half' / 'iter_2.pth')
    resumed = Runner.from_cfg(cfg)
    resumed.train()
    pairs = [(full.model, resumed.model)]
    hooks = ash_hook(full), ash_hook(resumed)
    pairs += [(h.hallucinator.conditioning_net for h in hooks), (h.discriminator for h in hooks)]
    for expected, actual in pairs:
        for key, value in expected.state_dict().items():
            torch.testing.assert_close(actual.state_dict()[key], value, rtol=0, atol=1e-6,
                                       msg=key)
    for what in ('ash_optim_wrapper', 'disc_optim_wrapper'):
        wrappers = [getattr(h, what) for h in hooks]
        assert wrappers[1].get_lr()['lr'] == pytest.approx(wrappers[0].get_lr()['lr'])
        assert wrappers[1].get_lr()['lr'][0] < wrappers[0].optimizer.defaults['lr']
        for expected, actual in zip(*(w.state_dict()['state'].values() for w in wrappers)):
            for key in expected:
                torch.testing.assert_close(actual[key], expected[key], rtol=0, atol=1e-6)

    checkpoint = torch.load(tmp_path / 'half' / 'iter_2.pth', map_location='cpu',
                            weights_only=False)
    fresh = ASHHook(**{k: v for k, v in cfg.custom_hooks[0].items() if k != 'type'})
    fresh.after_load_checkpoint(resumed, checkpoint)
    for key, value in checkpoint['ash_hook']['discriminator'].items():
        assert torch.equal(fresh.discriminator.state_dict()[key], value)
    assert fresh.ash_schedulers[0].last_step == 2


def test_bad_input_fails_before_training(tmp_path, files):
    def build(**kwargs):
        return ASHHook(**{k: v for k, v in ash_hook_cfg(files, **kwargs).items()
                          if k != 'type'})

    with pytest.raises(FileNotFoundError, match='ASHHook style.*nowhere'):
        build(style=str(tmp_path / 'nowhere'))
    (tmp_path / 'empty').mkdir()
    with pytest.raises(ValueError, match='ASHHook style.*no image in folder.*empty'):
        build(style=str(tmp_path / 'empty'))
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        build(rain_checkpoint=str(tmp_path / 'missing.pth'))
    torch.save(RAIN(vae_depth=2).state_dict(), tmp_path / 'depth2.pth')
    with pytest.raises(ValueError, match=r'depth2.pth does not match(.|\n)*vae_depth=2'):
        build(rain_checkpoint=str(tmp_path / 'depth2.pth'))
    with pytest.raises(ValueError, match='adv_weight'):
        build(adv_weight=-1.0)
    with pytest.raises(ValueError, match='by_epoch=False'):
        build(disc_param_scheduler=[dict(type='PolyLR', by_epoch=True)])
    # the class count is checked in before_run, before the first iteration
    runner = Runner.from_cfg(ash_cfg(str(tmp_path / 'run'), files, num_classes=5))
    with pytest.raises(ValueError, match='predicts 19 classes.*built for 5.*num_classes=19'):
        runner.train()
    assert runner.iter == 0 and not list((tmp_path / 'run').glob('*.pth'))


# Each rank dumps its ASH modules after training (imported by the torchrun
# children through custom_imports; the module is written to tmp_path).
RANK_DUMP_HOOK = """
import os.path as osp
import torch
from mmengine.hooks import Hook
from mmasm.registry import HOOKS
from mmasm.engine.hooks import ASHHook


@HOOKS.register_module()
class ASHRankStateDumpHook(Hook):
    def after_train(self, runner):
        hook = next(h for h in runner.hooks if isinstance(h, ASHHook))
        torch.save(dict(conditioning_net=hook.hallucinator.conditioning_net.state_dict(),
                        discriminator=hook.discriminator.state_dict()),
                   osp.join(runner.work_dir, f'ash_rank{runner.rank}.pth'))
"""


def test_two_gloo_ranks_keep_segmentor_ash_and_d_identical(tmp_path, files):
    (tmp_path / 'ash_rank_dump.py').write_text(RANK_DUMP_HOOK)
    hook = ash_hook_cfg(files)
    extra = f"""
runner_type = 'CPUDistRunner'
custom_imports = dict(imports=['mmasm', 'rank_state_hook', 'ash_rank_dump'])
custom_hooks = [dict(type='RankStateDumpHook'), {hook!r}, dict(type='ASHRankStateDumpHook')]
train_cfg = dict(max_iters=3, val_interval=100)
"""
    config = write_tiny_segformer_config(tmp_path / 'cfg.py', files['data'], extra)
    work_dir, log_path = tmp_path / 'work_dir', tmp_path / 'train.log'
    process = start_tool(
        ['bash', REPO_ROOT / 'tools' / 'dist_train.sh', config, '2', '--work-dir', work_dir],
        log_path, PYTHON=sys.executable, PORT=str(free_port()),
        PYTHONPATH=os.pathsep.join([str(tmp_path), str(DATA_DIR)]))
    log = finish_tool(process, log_path)
    assert 'Iter(train) [3/3]' in log and 'loss_ash_adv' in log and 'disc_loss' in log

    def load(name):
        return torch.load(work_dir / name, map_location='cpu', weights_only=True)

    init = load('rank0_init.pth')['state_dict']
    models = [load(f'rank{rank}_final.pth')['state_dict'] for rank in (0, 1)]
    assert [k for k in models[0] if not torch.equal(models[0][k], models[1][k])] == []
    assert [k for k in models[0] if torch.equal(models[0][k], init[k])] == []
    ash = [load(f'ash_rank{rank}.pth') for rank in (0, 1)]
    for name in ('conditioning_net', 'discriminator'):
        assert [k for k in ash[0][name]
                if not torch.equal(ash[0][name][k], ash[1][name][k])] == [], name


def test_configs_add_ash_to_the_source_only_settings():
    configs = REPO_ROOT / 'configs'
    paper = Config.fromfile(configs / 'ash' /
                            'deeplabv2_r101-d8_ash_1xb1-100k_gta5-to-cityscapes-960x480.py')
    source_only = Config.fromfile(
        configs / 'asm' / 'deeplabv2_r101-d8_source-only_1xb1-100k_gta5-to-cityscapes-960x480.py')
    [hook] = paper.custom_hooks
    assert hook.type == 'ASHHook' and hook.num_classes == paper.model.decode_head.num_classes
    assert hook.adv_weight == 1e-3 and hook.hallucinator.label_smoothing == 0.1
    assert hook.ash_optim_wrapper.optimizer == dict(type='SGD', lr=2.5e-4, momentum=0.9,
                                                    weight_decay=5e-4)
    assert hook.disc_optim_wrapper.optimizer == dict(type='Adam', lr=1e-4, betas=(0.9, 0.99))
    for scheduler in hook.ash_param_scheduler + hook.disc_param_scheduler:
        assert scheduler.end == paper.train_cfg.max_iters == 100000
    for key in ('optim_wrapper', 'param_scheduler', 'train_cfg', 'train_dataloader',
                'val_dataloader', 'default_hooks'):
        assert paper[key] == source_only[key], key
    assert dict(paper.model, consistency_weight=0) == dict(source_only.model, consistency_weight=0)

    demo = Config.fromfile(configs / 'ash' / 'ash_demo.py')
    demo_source_only = Config.fromfile(configs / 'demo' / 'source-only_demo.py')
    [hook] = demo.custom_hooks
    assert hook.style == demo_source_only.data_root + 'style/'
    assert hook.rain_checkpoint == 'work_dirs/quickstart/rain/rain_demo.pth'
    assert hook.ash_param_scheduler[0].end == demo.train_cfg.max_iters
    assert demo.train_dataloader.batch_size == demo_source_only.train_dataloader.batch_size // 2
    for key in ('model', 'optim_wrapper', 'param_scheduler', 'train_cfg', 'val_dataloader'):
        assert demo[key] == demo_source_only[key], key

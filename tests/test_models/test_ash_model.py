"""The ASH model inside mmengine's real Runner on the tiny SegFormer, added
to that (unmodified) config as the README shows: the three updates and the
checkpoint (runs: ``test_ash_runs.py``)."""
import numpy as np
import pytest
import torch
from ash_setup import (NETWORKS, ash_cfg, cloned_state, copy_batch,
                       plain_gradient_step, render)
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapperDict
from mmengine.runner import Runner

pytestmark = pytest.mark.usefixtures('one_torch_thread')


def test_each_iteration_trains_the_three_networks_with_their_own_wrappers(
        ash_run, ash_files):
    runner, model = ash_run['runner'], ash_run['model']
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
        initial = ash_run['initial'][name]
        changed = [
            k for k, v in getattr(model, name).state_dict().items()
            if not torch.equal(v, initial[k])
        ]
        assert changed == list(initial), name
    rain = torch.load(ash_files['rain'], weights_only=True)
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
    grids = list(ash_run['work_dir'].glob(
        '*/vis_data/vis_image/ash_hallucination_*.png'))
    assert len(grids) == 2


def test_frozen_conditioning_net_stays_at_its_initialisation(
        tmp_path, ash_files):
    """``train_hallucinator=False`` (the ablation): the conditioning net
    ends bit-identical to its initialisation (no step, not even weight
    decay), while the segmentor and the discriminator train."""
    runner = Runner.from_cfg(
        ash_cfg(
            tmp_path / 'work',
            ash_files,
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


def test_checkpoint_holds_every_network_optimizer_and_scheduler(ash_run):
    checkpoint = torch.load(
        ash_run['work_dir'] / 'iter_2.pth',
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


def test_ash_step_raises_the_adversarial_loss_and_touches_nothing_else(
        ash_inputs):
    model = ash_inputs['model']
    segmentor, disc = cloned_state(model.segmentor), cloned_state(
        model.discriminator)
    model.content_weight = model.style_weight = 0.0
    before, after = plain_gradient_step(ash_inputs, 3e-6)
    # ASH minimises -adv: the adversarial loss rises by the predicted amount
    assert after['adv'].item() - before['adv'].item() == pytest.approx(
        3e-6, rel=0.5)
    # with the content / style terms on, the step lowers ASH's whole objective
    model.content_weight = model.style_weight = 0.01
    before, after = plain_gradient_step(ash_inputs, 1e-5)
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


def test_discriminator_step_lowers_its_bce(ash_inputs):
    model = ash_inputs['model']
    wrapper = ash_inputs['runner'].optim_wrapper['discriminator']
    source = ash_inputs['logits'].softmax(1)
    with torch.no_grad():
        _, stylized = model.segmentor_losses(ash_inputs['batch'],
                                             stylized_inputs(ash_inputs))
    before = model.discriminator_loss(source, stylized).item()
    assert model.update_discriminator(source, stylized,
                                      wrapper).item() == pytest.approx(before)
    assert model.discriminator_loss(source, stylized).item() < before


def test_segmentor_step_lowers_segmentation_plus_adversarial_loss(ash_inputs):
    model, batch = ash_inputs['model'], ash_inputs['batch']
    wrapper = ash_inputs['runner'].optim_wrapper['segmentor']
    stylized = stylized_inputs(ash_inputs)

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


def test_damping_scales_both_adversarial_weights_to_zero(ash_inputs):
    """The authors' ``damping = 1 - i / N`` on G's and ASH's adversarial
    weights, set by each iteration's train step."""
    model, batch = ash_inputs['model'], ash_inputs['batch']
    stylized, samples = stylized_inputs(ash_inputs), batch['data_samples']
    hub = MessageHub.get_current_instance()
    iteration, weights = hub.get_info('iter'), (model.content_weight,
                                                model.style_weight)
    model.content_weight = model.style_weight = 0.0

    def adversarial_terms():
        with torch.no_grad():
            losses, _ = model.segmentor_losses(batch, stylized)
            terms = model.ash_objective(render(ash_inputs), samples)
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
            copy_batch(ash_inputs['trained_batch']),
            ash_inputs['runner'].optim_wrapper)
        assert model.damping == 0.25
    finally:
        model.damping_iters, model.damping = None, 1.0
        model.content_weight, model.style_weight = weights
        hub.update_info('iter', iteration)

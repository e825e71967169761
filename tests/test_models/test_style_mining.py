"""AdversarialStyleMining from plain PyTorch: the eps search of Alg. 1."""
import pytest
import torch
import torch.nn as nn

from mmasm.models import RAIN, AdversarialStyleMining, ascent_direction


@pytest.fixture(scope='module')
def rain():
    torch.manual_seed(0)
    return RAIN(vae_depth=2)


def task_loss(net, search):
    return net(search.stylized()).pow(2).mean()


def make_mining(rain, **kwargs):
    mining = AdversarialStyleMining(rain, **kwargs)
    mining.set_anchor(
        torch.rand(2, 3, 24, 32, generator=torch.Generator().manual_seed(1)))
    return mining


def test_ascent_step_raises_the_task_loss(rain):
    torch.manual_seed(0)
    net = nn.Conv2d(3, 4, 3)
    mining = make_mining(rain, step_rule='l2', step_size=0.5)
    search = mining.search(
        torch.rand(2, 3, 24, 40),
        torch.Generator().manual_seed(0))
    before = task_loss(net, search)
    before.backward()
    eps_before = search.eps.detach().clone()
    search.step(before.item())
    after = task_loss(net, search).item()
    assert after > before.item()
    # 'l2' moves every code by exactly step_size.
    torch.testing.assert_close((search.eps.detach() - eps_before).norm(dim=1),
                               torch.full((2, ), 0.5))
    assert search.last_step_norm == pytest.approx(0.5, rel=1e-5)


def test_step_rules_scale_the_gradient():
    grad = torch.tensor([[3.0, -4.0], [0.5, 0.0]])
    torch.testing.assert_close(ascent_direction(grad, 2.0, 'paper'), grad)
    torch.testing.assert_close(
        ascent_direction(grad, 2.0, 'authors'), grad / 2)
    torch.testing.assert_close(
        ascent_direction(grad, 2.0, 'sign'), grad.sign())
    torch.testing.assert_close(
        ascent_direction(grad, 2.0, 'l2'),
        torch.tensor([[0.6, -0.8], [1.0, 0.0]]))
    with pytest.raises(ValueError, match='step_rule'):
        ascent_direction(grad, 1.0, 'adam')


def test_paper_rule_uses_the_gradient_of_the_same_backward(rain):
    net = nn.Conv2d(3, 2, 3)
    mining = make_mining(rain, step_size=3.0)
    search = mining.search(
        torch.rand(1, 3, 16, 16),
        torch.Generator().manual_seed(0))
    task_loss(net, search).backward()
    grad = search.eps.grad.clone()
    eps = search.eps.detach().clone()
    search.step(1.0)
    torch.testing.assert_close(search.eps.detach(), eps + 3.0 * grad)
    assert search.eps.grad is None


def test_content_features_are_computed_once_per_batch(rain):
    mining = make_mining(rain)
    search = mining.search(
        torch.rand(2, 3, 16, 24),
        torch.Generator().manual_seed(0))
    content = search.content
    task_loss(nn.Conv2d(3, 1, 1), search).backward()
    search.step(1.0)
    assert search.content is content and not content.requires_grad
    assert search.stylized().shape == (2, 3, 16, 24)


def test_codes_start_around_their_anchor(rain):
    mining = make_mining(rain)
    mining.anchor_std.zero_()  # a zero std puts every code on its anchor
    search = mining.search(
        torch.rand(4, 3, 16, 16),
        torch.Generator().manual_seed(0))
    torch.testing.assert_close(search.eps.detach(),
                               mining.anchor_mean[search.anchor_index])
    assert search.anchor_distance().abs().max() == 0


@pytest.mark.parametrize('sampling', ['anchored', 'random'])
def test_non_ascent_arms_draw_fresh_codes_without_gradient(rain, sampling):
    mining = make_mining(rain, sampling=sampling)
    search = mining.search(
        torch.rand(2, 3, 16, 16),
        torch.Generator().manual_seed(0))
    assert not search.stylized().requires_grad
    eps = search.eps.clone()
    search.step()
    assert not torch.equal(eps, search.eps)


def test_non_finite_codes_are_resampled(rain):
    mining = make_mining(rain, step_size=1.0)
    search = mining.search(
        torch.rand(2, 3, 16, 16),
        torch.Generator().manual_seed(0))
    task_loss(nn.Conv2d(3, 1, 1), search).backward()
    search.eps.grad[0, 0] = float('nan')
    search.step(1.0)
    assert torch.isfinite(search.eps).all()
    assert search.num_resampled == 1


def test_step_without_backward_is_an_error(rain):
    search = make_mining(rain).search(torch.rand(1, 3, 16, 16))
    with pytest.raises(RuntimeError, match='no gradient'):
        search.step(1.0)


def test_bad_arguments_fail_at_construction(rain):
    with pytest.raises(ValueError, match='search_depth'):
        AdversarialStyleMining(rain, search_depth=0)
    with pytest.raises(ValueError, match='sampling'):
        AdversarialStyleMining(rain, sampling='greedy')
    with pytest.raises(RuntimeError, match='anchor'):
        AdversarialStyleMining(rain).search(torch.rand(1, 3, 16, 16))
    with pytest.raises(ValueError, match='render_scale'):
        AdversarialStyleMining(rain, render_scale=0)
    for step_size in (float('nan'), float('inf'),
                      -1.0):  # nan / inf: no search at all
        with pytest.raises(ValueError, match='step_size'):
            AdversarialStyleMining(rain, step_size=step_size)


def test_render_scale_runs_rain_smaller_and_returns_full_size(rain):
    torch.manual_seed(0)
    half = make_mining(rain, render_scale=0.5, step_rule='l2', step_size=0.5)
    images = torch.rand(2, 3, 48, 64)
    search = half.search(images, torch.Generator().manual_seed(0))
    # relu4_1 of the 24x32 render: stride 8
    assert search.content.shape[-2:] == (3, 4)
    stylized = search.stylized()
    assert stylized.shape == images.shape
    # the half-size render, upsampled: what render_scale promises
    with torch.no_grad():
        small = rain.render(search.content, search.eps, (24, 32))
        expected = torch.nn.functional.interpolate(
            small, (48, 64), mode='bilinear', antialias=True)
    torch.testing.assert_close(
        stylized.detach(), expected, rtol=1e-4, atol=1e-4)
    # the ascent still reaches eps through the resize
    net = nn.Conv2d(3, 4, 3)
    before = task_loss(net, search)
    before.backward()
    search.step(before.item())
    assert task_loss(net, search).item() > before.item()


def test_channels_last_rain_stylizes_like_the_default_layout():
    torch.manual_seed(0)
    reference = RAIN(vae_depth=2).eval()
    mining = AdversarialStyleMining(RAIN(vae_depth=2), search_depth=1)
    mining.rain.load_state_dict(reference.state_dict())
    assert mining.rain.decoder.conv1_2.weight.is_contiguous(
        memory_format=torch.channels_last)
    images, eps = torch.rand(2, 3, 24, 32), torch.randn(2, 512)
    with torch.no_grad():
        expected = reference.stylize(images, eps)
        actual = mining.rain.stylize(images, eps)
    assert (actual - expected).abs().max() / expected.abs().max() < 1e-4


def test_use_anchor_stores_given_anchors_and_checks_their_shape(rain):
    mining = AdversarialStyleMining(rain)
    mean, std = torch.randn(2, rain.latent_dim), torch.rand(2, rain.latent_dim)
    assert mining.use_anchor(mean, std) == (mean, std)
    assert mining.anchor_mean is mean and mining.anchor_std is std
    index, eps = mining.sample(4, torch.Generator().manual_seed(0))
    assert eps.shape == (4, rain.latent_dim) and set(index.tolist()) <= {0, 1}
    with pytest.raises(ValueError, match=r'both be \(k, 512\)'):
        mining.use_anchor(mean, std[:1])
    with pytest.raises(ValueError, match='code size'):
        mining.use_anchor(mean[:, :8], std[:, :8])

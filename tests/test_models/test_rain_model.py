"""Unit tests of the RAIN generator (random weights, small images)."""
import pytest
import torch

from mmasm.models.rain import RAIN, adain, style_statistics


@pytest.fixture(scope='module')
def rain():
    torch.manual_seed(0)
    return RAIN().eval()


def images(n=2, h=32, w=48, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return torch.rand(n, 3, h, w, generator=gen)


@pytest.mark.parametrize('size', [(37, 50), (17, 23)])
def test_output_size_equals_input_size(rain, size):
    with torch.no_grad():
        out = rain.stylize(images(2, *size), torch.randn(2, 512))
    assert out.shape == (2, 3, *size)
    assert torch.isfinite(out).all()


def test_batch_items_are_independent(rain):
    x, eps = images(2), torch.randn(2, 512)
    with torch.no_grad():
        batch = rain.stylize(x, eps)
        single = rain.stylize(x[1:2], eps[1:2])
    torch.testing.assert_close(batch[1:2], single, rtol=1e-4, atol=1e-5)
    assert not torch.allclose(batch[0], batch[1])


def test_eps_batch_must_match(rain):
    with pytest.raises(ValueError, match=r'eps must be \(2, 512\)'):
        rain.stylize(images(2), torch.randn(3, 512))


def test_render_reuses_content_features(rain):
    x = images(2, 37, 50)
    calls = []
    hook = rain.encoder.register_forward_hook(lambda *args: calls.append(1))
    try:
        with torch.no_grad():
            content = rain.content_features(x)
            eps = [torch.randn(2, 512) for _ in range(3)]
            rendered = [rain.render(content, e, x.shape[-2:]) for e in eps]
    finally:
        hook.remove()
    assert len(calls) == 1  # the n search steps keep f_c fixed
    with torch.no_grad():
        torch.testing.assert_close(rendered[2], rain.stylize(x, eps[2]))
    assert rendered[0].shape == x.shape


def test_gradient_reaches_eps(rain):
    eps = torch.randn(2, 512, requires_grad=True)
    out = rain.stylize(images(2), eps)
    out.square().mean().backward()
    assert torch.isfinite(eps.grad).all()
    assert eps.grad.abs().sum() > 0
    assert all(p.grad is None for p in rain.encoder.parameters())
    assert rain.decoder.conv1_1.weight.grad is not None
    rain.zero_grad(set_to_none=True)


def test_sample_eps_without_anchor_is_standard_normal(rain):
    gen = torch.Generator().manual_seed(0)
    eps = rain.sample_eps(4000, generator=gen)
    assert eps.shape == (4000, 512)
    assert abs(eps.mean()) < 0.01 and abs(eps.std() - 1) < 0.01


def test_sample_eps_picks_from_k_anchors(rain):
    psi = torch.arange(3.0)[:, None].expand(3, 512) * 10
    xi = torch.full((3, 512), 0.1)
    eps = rain.sample_eps(60, psi, xi, torch.Generator().manual_seed(1))
    again = rain.sample_eps(60, psi, xi, torch.Generator().manual_seed(1))
    assert torch.equal(eps, again)
    anchor = (eps.mean(dim=1) / 10).round()
    assert set(anchor.tolist()) == {0.0, 1.0, 2.0}  # every anchor drawn
    assert (eps - psi[anchor.long()]).abs().max() < 1.0  # around its anchor
    exact = rain.sample_eps(5, psi, torch.zeros(3, 512))
    assert all(any(torch.equal(e, p) for p in psi) for e in exact)


def test_anchor_shapes(rain):
    with torch.no_grad():
        psi, xi = rain.anchor(images(3))
    assert psi.shape == xi.shape == (3, 512)


def test_adain_matches_target_statistics():
    gen = torch.Generator().manual_seed(2)
    content = torch.randn(2, 8, 12, 10, generator=gen) * 3 + 1
    mean = torch.randn(2, 8, generator=gen)
    std = torch.rand(2, 8, generator=gen) + 0.5
    got_mean, got_std = style_statistics(adain(content, mean, std), eps=0)
    torch.testing.assert_close(got_mean, mean, rtol=0, atol=1e-4)
    torch.testing.assert_close(got_std, std, rtol=0, atol=1e-4)


def test_random_encoder_keeps_features_of_positions_apart():
    """Centred random filters (zero_mean_init) keep relu4_1 features of
    different positions from collapsing onto one direction, which plain He
    init does (mean cosine ~0.9): a decoder can only invert the former."""
    from mmasm.models.rain.vgg_encoder import VGGEncoder, he_init

    def mean_cosine(encoder, x):
        with torch.no_grad():
            feat = encoder(x).flatten(2).transpose(1, 2)
        feat = torch.nn.functional.normalize(feat, dim=-1)
        return (feat @ feat.transpose(1, 2)).mean().item()

    torch.manual_seed(0)
    # smooth random images: blocky colours, like rendered scenes
    x = torch.nn.functional.interpolate(torch.rand(2, 3, 8, 16), (64, 128))
    centred = VGGEncoder()
    weight = centred.conv3_1.weight
    assert weight.mean(dim=(1, 2, 3)).abs().max() < 1e-6
    assert weight.std(dim=(1, 2, 3)).mean().item() == pytest.approx(
        (2 / weight[0].numel())**0.5, rel=1e-3)
    he = VGGEncoder()
    he_init(he)
    he.conv0.load_state_dict(centred.conv0.state_dict())
    he.conv1_1.load_state_dict(centred.conv1_1.state_dict())
    assert mean_cosine(centred, x) < 0.6 < mean_cosine(he, x)


def test_encoder_frozen_and_stays_in_eval():
    model = RAIN().train()
    assert not model.encoder.training
    assert model.decoder.training and model.style_vae.training
    assert not any(p.requires_grad for p in model.encoder.parameters())
    assert all(p.requires_grad for p in model.decoder.parameters())


@pytest.mark.parametrize('bad, error, message', [
    (torch.rand(1, 1, 32, 32), ValueError, r'\(N, 3, H, W\).*\(1, 1, 32, 32'),
    (torch.rand(1, 4, 32, 32), ValueError, r'\(N, 3, H, W\).*\(1, 4, 32, 32'),
    (torch.rand(3, 32, 32), ValueError, r'\(N, 3, H, W\)'),
    (torch.zeros(1, 3, 32, 32, dtype=torch.uint8), TypeError, 'divide uint8'),
    (torch.rand(1, 3, 5, 5), ValueError, r'\(5, 5\) are smaller'),
    (torch.full((1, 3, 32, 32), float('nan')), ValueError, 'NaN'),
])
def test_bad_inputs_raise_clear_errors(rain, bad, error, message):
    with pytest.raises(error, match=message):
        rain.stylize(bad,
                     torch.zeros(bad.shape[0] if bad.dim() == 4 else 1, 512))

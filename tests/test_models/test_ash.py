"""ASH's modules from plain PyTorch: conditioning net, hallucinator, noise,
output-space discriminator."""
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from utils import save_random_rain

import mmasm  # noqa: F401
from mmasm.models import (RAIN, ASHStyleHallucinator, OutputSpaceDiscriminator,
                          SemanticConditioningNet, orthogonal_noise,
                          singular_vector_noise, smoothed_class_map)
from mmasm.models.rain.adain import style_statistics
from mmasm.registry import MODELS

pytestmark = pytest.mark.usefixtures('one_torch_thread')


@pytest.fixture(scope='module')
def rain_file(tmp_path_factory):
    path = tmp_path_factory.mktemp('ash_rain') / 'rain.pth'
    save_random_rain(path)
    return str(path)


@pytest.fixture(scope='module')
def hallucinator(rain_file):
    torch.manual_seed(0)
    return ASHStyleHallucinator(
        5, rain=dict(type='RAIN', checkpoint=rain_file))


def layers_of(module, kind):
    return [m for m in module.modules() if isinstance(m, kind)]


def test_conditioning_net_layers_and_shapes():
    net = SemanticConditioningNet(7)
    convs = layers_of(net, nn.Conv2d)
    assert [(c.in_channels, c.out_channels, c.kernel_size, c.stride)
            for c in convs] == [(7, 128, (4, 4), (4, 4)),
                                (128, 256, (1, 1), (1, 1)),
                                (256, 256, (1, 1), (1, 1)),
                                (256, 512, (1, 1), (1, 1)),
                                (512, 512, (1, 1), (1, 1)),
                                (256, 512, (1, 1), (1, 1)),
                                (512, 512, (1, 1), (1, 1))]
    assert {m.negative_slope for m in layers_of(net, nn.LeakyReLU)} == {0.1}
    assert len(layers_of(net, nn.InstanceNorm2d)) == 2
    gamma, beta = net(torch.rand(2, 7, 32, 64), size=(5, 9))
    assert gamma.shape == beta.shape == (2, 512, 5, 9)
    assert not torch.allclose(gamma, beta)
    with pytest.raises(ValueError, match=r'\(N, 7, H, W\)'):
        net(torch.rand(2, 6, 32, 64), size=(4, 8))


def test_label_smoothing_of_the_conditioning_input():
    logits = torch.randn(2, 4, 8, 8)
    smooth = smoothed_class_map(logits, 0.1)
    torch.testing.assert_close(smooth.sum(1), torch.ones(2, 8, 8))
    torch.testing.assert_close(smooth, 0.9 * logits.softmax(1) + 0.025)
    one_hot = smoothed_class_map(logits, 0.1, kind='one_hot')
    assert one_hot.unique().tolist() == pytest.approx([0.025, 0.925])
    assert torch.equal(one_hot.argmax(1), logits.argmax(1))
    with pytest.raises(ValueError, match='kind'):
        smoothed_class_map(logits, 0.1, kind='argmax')


def test_orthogonal_noise_is_orthogonal_and_seeded():
    z = orthogonal_noise(3, 64, torch.Generator().manual_seed(1))
    eye = torch.eye(64).expand(3, 64, 64)
    torch.testing.assert_close(z @ z.mT, eye, atol=1e-5, rtol=0)
    torch.testing.assert_close(z.mT @ z, eye, atol=1e-5, rtol=0)
    assert not torch.allclose(z[0], z[1])
    assert torch.equal(
        z, orthogonal_noise(3, 64,
                            torch.Generator().manual_seed(1)))


def test_hallucinator_shapes_and_only_the_conditioning_net_trains(
        hallucinator):
    content, style = torch.rand(2, 3, 36, 60), torch.rand(2, 3, 40, 50)
    result = hallucinator(content, style, torch.randn(2, 5, 36, 60),
                          torch.Generator().manual_seed(0))
    assert result.stylized.shape == (2, 3, 36, 60)
    assert result.decoded.shape == (2, 3, 40, 64)  # padded to a multiple of 8
    assert result.target.shape == (2, 512, 5, 8)
    assert [t.shape[1] for t in result.style_taps] == [64, 128, 256, 512]
    trainable = {
        n
        for n, p in hallucinator.named_parameters() if p.requires_grad
    }
    assert trainable and all(
        n.startswith('conditioning_net.') for n in trainable)
    losses = hallucinator.regularisation_losses(result)
    (result.stylized.mean() + losses['content'] + losses['style']).backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0
               for p in hallucinator.conditioning_net.parameters())
    hallucinator.conditioning_net.zero_grad()
    assert not hallucinator.train().rain.training
    with pytest.raises(ValueError, match='one style image'):
        hallucinator(content, style[:1], torch.randn(2, 5, 36, 60))
    with pytest.raises(ValueError, match='5 classes'):
        hallucinator(content, style, torch.randn(2, 19, 36, 60))


def test_authors_noise_is_their_singular_vectors_reshaped():
    """The authors' code: ``n_v = torch.svd(randn(style_f.shape))[2]``,
    reshaped to the feature shape, ``style_f *= n_v + 1``."""
    for shape in [(2, 8, 5, 7), (1, 4, 6, 6)]:
        noise = singular_vector_noise(shape, torch.Generator().manual_seed(2))
        gaussian = torch.randn(
            shape, generator=torch.Generator().manual_seed(2))
        theirs = torch.svd(gaussian, some=True)[2].reshape(shape)  # their line
        torch.testing.assert_close(noise, theirs)
    # portrait maps (their reshape fails): the left factor, still orthonormal columns
    tall = singular_vector_noise((1, 3, 7, 4),
                                 torch.Generator().manual_seed(0))
    torch.testing.assert_close(
        tall.mT @ tall, torch.eye(4).expand(1, 3, 4, 4), atol=1e-5, rtol=0)
    # a small perturbation, not a mixing of the channels
    assert singular_vector_noise((1, 512, 8, 16)).abs().max() < 1


def test_hallucinated_style_is_z_f_times_gamma_plus_delta_plus_beta(
        hallucinator):
    feat, class_map = torch.randn(2, 512, 4, 6), torch.rand(2, 5, 32, 48)
    gamma, beta = hallucinator.conditioning_net(class_map, (4, 6))
    # the authors' Z: f_sty * (1 + V), per element
    noise = singular_vector_noise(feat.shape, torch.Generator().manual_seed(3))
    torch.testing.assert_close(
        hallucinator.hallucinate_style(feat, class_map, noise),
        feat * (1 + noise) * (gamma + 1.0) + beta)
    # the 'rotation' switch: Z mixes the channels
    noise = orthogonal_noise(2, 512, torch.Generator().manual_seed(3))
    rotated = torch.einsum('ncd,ndhw->nchw', noise, feat)
    actual = hallucinator.hallucinate_style(feat, class_map, noise)
    torch.testing.assert_close(actual, rotated * (gamma + 1.0) + beta)
    # an orthogonal rotation keeps the norm of each pixel's feature vector
    torch.testing.assert_close(rotated.norm(dim=1), feat.norm(dim=1))


def test_hallucinator_draws_the_authors_noise_by_default(
        rain_file, hallucinator):
    assert hallucinator.noise == 'authors'
    shape = (2, 512, 4, 6)
    torch.testing.assert_close(
        hallucinator.draw_noise(shape,
                                torch.Generator().manual_seed(4)),
        singular_vector_noise(shape,
                              torch.Generator().manual_seed(4)))
    rotation = ASHStyleHallucinator(
        5, rain=hallucinator.rain, noise='rotation')
    assert rotation.draw_noise(shape).shape == (2, 512, 512)
    assert ASHStyleHallucinator(
        5, rain=hallucinator.rain, noise=None).draw_noise(shape) is None
    with pytest.raises(ValueError, match='noise'):
        ASHStyleHallucinator(5, rain=hallucinator.rain, noise='orthogonal')


def test_without_modulation_or_noise_ash_is_half_adain(rain_file):
    """gamma = beta = 0 and no Z leave f_sty unchanged: the output is then
    Dec(0.5 f_src + 0.5 AdaIN(f_src, f_sty)), RAIN's own AdaIN at alpha 0.5."""
    ash = ASHStyleHallucinator(
        5, rain=dict(type='RAIN', checkpoint=rain_file), noise=None)
    for head in (ash.conditioning_net.scale_head,
                 ash.conditioning_net.shift_head):
        nn.init.zeros_(head[-1].weight)
        nn.init.zeros_(head[-1].bias)
    content, style = torch.rand(1, 3, 32, 48), torch.rand(1, 3, 32, 48)
    with torch.no_grad():
        out = ash(content, style, torch.randn(1, 5, 32, 48)).stylized
        rain = ash.rain
        mean, std = style_statistics(rain.content_features(style))
        expected = rain.render_statistics(
            rain.content_features(content), mean, std, (32, 48), alpha=0.5)
    torch.testing.assert_close(out, expected)


def test_render_scale_runs_rain_on_smaller_images(rain_file, hallucinator):
    half = ASHStyleHallucinator(
        5, rain=dict(type='RAIN', checkpoint=rain_file), render_scale=0.5)
    half.load_state_dict(hallucinator.state_dict())
    content, style = torch.rand(2, 3, 64, 96), torch.rand(2, 3, 48, 64)
    logits = torch.randn(2, 5, 64, 96)
    with torch.no_grad():
        out = half(content, style, logits, torch.Generator().manual_seed(0))
        small = hallucinator(
            F.interpolate(content, (32, 48), mode='bilinear', antialias=True),
            F.interpolate(style, (24, 32), mode='bilinear', antialias=True),
            logits,
            torch.Generator().manual_seed(0))
    assert out.stylized.shape == (2, 3, 64,
                                  96) and out.decoded.shape == (2, 3, 32, 48)
    expected = F.interpolate(
        small.stylized, (64, 96), mode='bilinear', antialias=True)
    torch.testing.assert_close(out.stylized, expected)
    with pytest.raises(ValueError, match='render_scale'):
        ASHStyleHallucinator(5, rain=half.rain, render_scale=0.0)


def test_state_dict_holds_the_conditioning_net_and_keeps_rain_out(
        hallucinator):
    state = hallucinator.state_dict()
    assert state and all(k.startswith('conditioning_net.') for k in state)
    torch.manual_seed(1)
    other = ASHStyleHallucinator(5, rain=RAIN())  # another RAIN, another net
    own_rain = {k: v.clone() for k, v in other.rain.state_dict().items()}
    other.load_state_dict(state)  # strict: RAIN's keys are not missing
    assert all(torch.equal(v, state[k]) for k, v in other.state_dict().items())
    assert all(
        torch.equal(v, own_rain[k])
        for k, v in other.rain.state_dict().items())
    assert not torch.equal(other.rain.decoder.conv1_1.weight,
                           hallucinator.rain.decoder.conv1_1.weight)


def test_output_space_discriminator_layers_and_shapes():
    disc = OutputSpaceDiscriminator(19)
    convs = layers_of(disc, nn.Conv2d)
    assert [(c.in_channels, c.out_channels) for c in convs] == [(19, 64),
                                                                (64, 128),
                                                                (128, 256),
                                                                (256, 512),
                                                                (512, 1)]
    assert all(c.kernel_size == (4, 4) and c.stride == (2, 2) for c in convs)
    assert {m.negative_slope for m in layers_of(disc, nn.LeakyReLU)} == {0.2}
    assert len(layers_of(disc, nn.LeakyReLU)) == 4
    assert disc(torch.rand(2, 19, 64, 128)).shape == (2, 1, 2, 4)
    with pytest.raises(ValueError, match=r'\(N, 19, H, W\)'):
        disc(torch.rand(2, 5, 64, 128))


def test_modules_are_registered_in_mmseg(rain_file):
    disc = MODELS.build(dict(type='OutputSpaceDiscriminator', num_classes=3))
    assert isinstance(disc, OutputSpaceDiscriminator)
    ash = MODELS.build(
        dict(
            type='ASHStyleHallucinator',
            num_classes=3,
            rain=dict(type='RAIN', checkpoint=rain_file),
            alpha=0.3))
    assert isinstance(ash.rain, RAIN) and ash.alpha == 0.3
    with pytest.raises(ValueError, match='conditioning'):
        ASHStyleHallucinator(3, rain=ash.rain, conditioning='logits')

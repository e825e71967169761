"""LRM networks: translator shapes, parameter count and latent mixing, BIN,
discriminator, VGG loss network and losses."""
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

from mmasm.models.lrm import (BatchInstanceNorm2d, LRMPatchDiscriminator,
                              LRMPerceptualLoss, LRMTranslator, VGGFeatures,
                              gram_matrix, lsgan_loss)

pytestmark = pytest.mark.usefixtures('one_torch_thread')


def images(seed, n=1, size=(32, 48)):
    gen = torch.Generator().manual_seed(seed)
    return torch.rand(n, 3, *size, generator=gen) * 255


def n_params(module):
    return sum(p.numel() for p in module.parameters())


# ----------------------------------------------------------- translator --


def test_translator_shapes_and_parameter_count():
    torch.manual_seed(0)
    translator = LRMTranslator()
    # conv 4x4 3->32 (1568) + BIN (96) + 2 res blocks (2 x 18624)
    # + conv 3x3 32->64 (18496); decoder: SN deconv 3x3 64->32 (18464)
    # + 2 res blocks + SN deconv 4x4 32->3 (1539): about 0.115 M
    assert n_params(translator.encoder) == 57408
    assert n_params(translator.decoder) == 57251
    assert n_params(translator) == 114659
    x = images(0, n=2)
    latents = translator.encode(x)
    assert latents.shape == (2, 64, 16, 24)
    assert translator.decode(latents).shape == x.shape
    mixed, rec_source, rec_target = translator(x, images(1, n=2))
    assert mixed.shape == rec_source.shape == rec_target.shape == x.shape
    # odd sizes and a target of another size
    odd = images(2, size=(33, 47))
    assert translator.translate(odd, images(3, size=(64, 64))).shape == \
        odd.shape
    with pytest.raises(ValueError, match='must be even'):
        translator.encode(odd)
    with pytest.raises(ValueError, match=r'RGB images \(N, 3, H, W\)'):
        translator.translate(odd[:, :1], images(3))


def test_mix_keeps_source_content_and_target_channels():
    """The decoder's input in translate() is cat(E(s)[:, :32], E(t)[:, 32:]):
    the source's content channels unchanged, the rest the target's."""
    torch.manual_seed(0)
    translator = LRMTranslator().eval()
    fed = []
    translator.decoder.register_forward_pre_hook(
        lambda module, args: fed.append(args[0].clone()))
    source, target, other = images(0, n=2), images(1), images(2)
    with torch.no_grad():
        translator.translate(source, target)
        translator.translate(source, other)
        source_latents = translator.encode(source)
        target_latents = translator.encode(target)
    first, second = fed
    assert torch.equal(first[:, :32], source_latents[:, :32])
    assert torch.equal(first[:, 32:],
                       target_latents[:, 32:].expand(2, -1, -1, -1))
    # another target changes only the target channels
    assert torch.equal(second[:, :32], first[:, :32])
    assert not torch.allclose(second[:, 32:], first[:, 32:])


def test_translate_output_depends_on_source_and_target():
    torch.manual_seed(0)
    translator = LRMTranslator().eval()
    with torch.no_grad():
        base = translator.translate(images(0), images(1))
        assert not torch.allclose(base,
                                  translator.translate(images(2), images(1)))
        assert not torch.allclose(base,
                                  translator.translate(images(0), images(3)))


# ------------------------------------------------------------------ BIN --


def test_bin_gate_mixes_batch_and_instance_norm():
    torch.manual_seed(0)
    x = torch.randn(2, 4, 5, 6) * torch.tensor([1., 3.]).view(2, 1, 1, 1)
    x = x + torch.tensor([0., 5.]).view(2, 1, 1, 1)  # unlike statistics
    bin_layer = BatchInstanceNorm2d(4, track_running_stats=False)
    with torch.no_grad():
        bin_layer.weight.copy_(torch.tensor([1., 2., .5, 1.5]))
        bin_layer.bias.copy_(torch.tensor([0., 1., -1., .5]))
    weight, bias = bin_layer.weight[:, None, None], bin_layer.bias[:, None,
                                                                   None]
    batch = F.batch_norm(x, None, None, training=True) * weight + bias
    inst = F.instance_norm(x) * weight + bias
    for rho in (1.0, 0.0, 0.3):
        with torch.no_grad():
            bin_layer.gate.fill_(rho)
        torch.testing.assert_close(
            bin_layer(x), rho * batch + (1 - rho) * inst)
    # the gate acts clamped to [0, 1]; clamp_gate_ projects the parameter
    with torch.no_grad():
        bin_layer.gate.copy_(torch.tensor([1.7, -0.4, 0.5, 1.0]))
    expected_rho = torch.tensor([1.0, 0.0, 0.5, 1.0])[:, None, None]
    torch.testing.assert_close(
        bin_layer(x), expected_rho * batch + (1 - expected_rho) * inst)
    bin_layer.clamp_gate_()
    assert torch.equal(bin_layer.gate.data, expected_rho.flatten())
    # a batch of two different images gives the gate a gradient
    with torch.no_grad():
        bin_layer.gate.fill_(0.5)
    bin_layer(x).pow(2).sum().backward()
    assert bin_layer.gate.grad.abs().min() > 0


def test_bin_batch_of_one_without_running_stats():
    """Batch 1 (the recipe): the batch branch normalises the one image, so
    the gate has no effect, in train and eval mode alike."""
    torch.manual_seed(0)
    x = torch.randn(1, 3, 6, 6) * 4 + 2
    bin_layer = BatchInstanceNorm2d(3, track_running_stats=False)
    out = bin_layer(x)
    with torch.no_grad():
        bin_layer.gate.fill_(0.0)
    torch.testing.assert_close(bin_layer(x), out)
    torch.testing.assert_close(bin_layer.eval()(x), out)
    tracking = BatchInstanceNorm2d(3).eval()  # running stats: mean 0, var 1
    torch.testing.assert_close(tracking(x), x / (1 + 1e-5)**0.5)


# ------------------------------------------------------- discriminator --


def test_patch_discriminator():
    torch.manual_seed(0)
    disc = LRMPatchDiscriminator()
    convs = [m for m in disc.modules() if isinstance(m, nn.Conv2d)]
    assert [
        (c.in_channels, c.out_channels, c.kernel_size, c.stride) for c in convs
    ] == [(a, b, (4, 4), (2, 2))
          for a, b in zip((3, 64, 128, 256, 512), (64, 128, 256, 512, 1))]
    assert all(hasattr(c, 'parametrizations') for c in convs)  # SN
    assert disc(images(0, n=2, size=(64, 96))).shape == (2, 1, 2, 3)
    with pytest.raises(ValueError, match='at least 32x32'):
        disc(images(0, size=(16, 64)))


# ------------------------------------------------------------------ VGG --


def test_vgg_features_load_torchvision_vgg16(tmp_path):
    torch.manual_seed(0)
    reference = torchvision.models.vgg16(weights=None).features.eval()
    state = {f'features.{k}': v for k, v in reference.state_dict().items()}
    state['classifier.6.bias'] = torch.zeros(1000)  # ignored
    torch.save(state, tmp_path / 'vgg16.pth')
    vgg = VGGFeatures('vgg16', checkpoint=str(tmp_path / 'vgg16.pth'))
    assert not any(p.requires_grad for p in vgg.parameters())
    x = images(0, size=(32, 32))
    taps = vgg(x)
    assert {
        k: tuple(v.shape[1:])
        for k, v in taps.items()
    } == {
        'relu1_2': (64, 32, 32),
        'relu2_2': (128, 16, 16),
        'relu3_3': (256, 8, 8),
        'relu4_3': (512, 4, 4)
    }
    with torch.no_grad():
        torch.testing.assert_close(taps['relu4_3'], reference[:23](x))
        torch.testing.assert_close(taps['relu2_2'], reference[:9](x))

    del state['features.21.weight']
    state['features.0.conv.weight'] = torch.zeros(1)
    state['features.2.bias'] = torch.zeros(3)
    torch.save(state, tmp_path / 'bad.pth')
    with pytest.raises(ValueError) as err:
        VGGFeatures('vgg16', checkpoint=str(tmp_path / 'bad.pth'))
    message = str(err.value)
    assert 'bad.pth' in message and 'features.21.weight' in message
    assert 'features.0.conv.weight' in message
    assert 'features.2.bias: (64,) vs (3,)' in message
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        VGGFeatures('vgg16', checkpoint=str(tmp_path / 'missing.pth'))
    with pytest.raises(ValueError, match="unknown taps \\['relu4_4'\\]"):
        VGGFeatures('vgg16', taps=('relu4_4', ))


def test_default_vgg_is_the_authors_vgg19_and_its_taps(tmp_path):
    """The authors' ``VGG19_FeaturesExtractor`` returns torchvision's
    ``vgg19().features`` cut after indices 3, 8, 15 and 24 (their
    relu1_2, relu2_2, relu3_3, relu4_3)."""
    torch.manual_seed(0)
    reference = torchvision.models.vgg19(weights=None).features.eval()
    torch.save({
        f'features.{k}': v
        for k, v in reference.state_dict().items()
    }, tmp_path / 'vgg19.pth')
    vgg = VGGFeatures(checkpoint=str(tmp_path / 'vgg19.pth'))
    assert vgg.arch == 'vgg19'
    x = images(1, size=(32, 32))
    taps = vgg(x)
    with torch.no_grad():
        for name, end in (('relu1_2', 4), ('relu2_2', 9), ('relu3_3', 16),
                          ('relu4_3', 25)):
            torch.testing.assert_close(
                taps[name], reference[:end](x), msg=name)


# --------------------------------------------------------------- losses --


def test_gram_matrix_by_hand():
    features = torch.tensor([[[[1., 2.], [3., 4.]], [[0., 1.], [-1., 2.]]]])
    f0, f1 = features[0, 0].flatten(), features[0, 1].flatten()
    expected = torch.tensor([[f0 @ f0, f0 @ f1], [f1 @ f0, f1 @ f1]]) / 8
    torch.testing.assert_close(gram_matrix(features)[0], expected)
    assert expected[0, 0] == pytest.approx(30 / 8)


def test_lsgan_targets_and_directions():
    scores = torch.tensor([0.0, 0.5, 2.0], requires_grad=True)
    assert lsgan_loss(torch.ones(3), real=True) == 0
    assert lsgan_loss(torch.zeros(3), real=False) == 0
    real = lsgan_loss(scores, real=True)
    assert real.item() == pytest.approx((1 + 0.25 + 1) / 3)
    (grad, ) = torch.autograd.grad(real, scores)
    assert grad.tolist() == pytest.approx([-2 / 3, -1 / 3, 2 / 3])  # to 1
    (grad, ) = torch.autograd.grad(lsgan_loss(scores, real=False), scores)
    assert (grad >= 0).all() and grad[1:].gt(0).all()  # towards 0


def test_perceptual_loss_terms_and_target_cache():
    torch.manual_seed(0)
    loss = LRMPerceptualLoss()
    source, target = images(0, size=(32, 32)), images(1, size=(32, 32))
    same = loss(source, source, target)
    assert same['loss_content'].item() == 0  # mixed == source
    assert same['loss_style'].item() > 0
    as_target = loss(target, source, target)
    assert as_target['loss_style'].item() == 0  # mixed == target
    assert as_target['loss_content'].item() > 0
    # the content term is 1 x MSE at relu2_2, the style 5 x sum of Gram MSEs
    feats = loss.vgg(target)
    content = F.mse_loss(feats['relu2_2'], loss.vgg(source)['relu2_2'])
    torch.testing.assert_close(as_target['loss_content'], content)
    style = sum(
        F.mse_loss(gram_matrix(loss.vgg(source)[k]), gram_matrix(feats[k]))
        for k in loss.style_layers)
    torch.testing.assert_close(same['loss_style'], 5 * style)
    grams = loss.target_grams(target)
    assert loss.target_grams(target.clone()) is grams
    assert loss.target_grams(source) is not grams

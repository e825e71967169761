"""LRM model parts: translator shapes, parameter count and latent mixing, BIN,
discriminator, VGG loss network, losses, train step, export/load."""
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

from mmasm.engine.optimizers import MultiNetworkOptimWrapperConstructor
from mmasm.models.lrm import (BatchInstanceNorm2d, LRMPatchDiscriminator,
                              LRMPerceptualLoss, LRMTrainer, LRMTranslator,
                              VGGFeatures, gram_matrix, load_lrm_translator,
                              lsgan_loss, save_lrm_translator)
from mmasm.utils import frozen

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


# -------------------------------------------------------------- trainer --


def build_trainer(lr=1e-3):
    torch.manual_seed(0)
    model = LRMTrainer()
    adam = dict(
        type='OptimWrapper',
        optimizer=dict(type='Adam', lr=lr, betas=(0.5, 0.999)))
    wrappers = MultiNetworkOptimWrapperConstructor(
        dict(translator=adam, discriminator=adam))(
            model)
    return model, wrappers


def uint8_batch(seed, size=32):
    gen = torch.Generator().manual_seed(seed)
    return dict(
        inputs=dict(
            content=[
                torch.randint(
                    0, 256, (3, size, size), generator=gen, dtype=torch.uint8)
            ],
            style=[
                torch.randint(
                    0, 256, (3, size, size), generator=gen, dtype=torch.uint8)
            ]))


def test_train_step_updates_translator_and_discriminator_only():
    model, wrappers = build_trainer(lr=0.5)
    assert set(wrappers.keys()) == {'translator', 'discriminator'}
    before = {k: v.clone() for k, v in model.named_parameters()}
    vgg_before = {
        k: v.clone()
        for k, v in model.perceptual_loss.state_dict().items()
    }
    log_vars = model.train_step(uint8_batch(0), wrappers)
    generator_terms = ('loss_rec_source', 'loss_rec_target', 'loss_adv',
                       'loss_content', 'loss_style')
    assert set(log_vars) == {
        'loss', *generator_terms, 'loss_disc', 'loss_disc_real',
        'loss_disc_fake'
    }
    assert log_vars['loss'].item() == pytest.approx(
        sum(log_vars[t].item() for t in generator_terms), rel=1e-5)
    for key, value in model.named_parameters():
        if key.startswith(('translator.', 'discriminator.')) and \
                not key.endswith('.gate'):  # inert at batch 1, see BIN tests
            assert not torch.equal(value, before[key]), key
    assert all(
        torch.equal(v, vgg_before[k])
        for k, v in model.perceptual_loss.state_dict().items())
    gates = [
        m.gate for m in model.translator.modules()
        if isinstance(m, BatchInstanceNorm2d)
    ]
    assert all(g.min() >= 0 and g.max() <= 1 for g in gates)  # lr 0.5


def test_losses_of_the_two_players():
    model, _ = build_trainer()
    model.discriminator.eval()  # no spectral-norm power iteration: repeatable
    data = model.data_preprocessor(uint8_batch(1), True)
    source, target = model.images(data['inputs'])
    assert source.max() > 1.5  # [0, 255]
    mixed, rec_s, rec_t = model.translator(source, target)
    losses = model.generator_losses(source, target, mixed, rec_s, rec_t)
    scores = model.discriminator(mixed)
    torch.testing.assert_close(losses['loss_adv'],
                               1000 * ((scores - 1)**2).mean())
    torch.testing.assert_close(losses['loss_rec_source'],
                               30 * (rec_s - source).abs().mean())
    disc = model.discriminator_losses(target, mixed)
    torch.testing.assert_close(disc['loss_disc_fake'],
                               1000 * scores.pow(2).mean())
    torch.testing.assert_close(
        disc['loss_disc_real'],
        1000 * (model.discriminator(target) - 1).pow(2).mean())
    # the generator's adversarial term leaves no gradient on the
    # discriminator (which would leak into the discriminator's own step)
    with frozen(model.discriminator):
        lsgan_loss(model.discriminator(mixed), real=True).backward()
    assert all(p.grad is None for p in model.discriminator.parameters())
    assert all(p.requires_grad for p in model.discriminator.parameters())
    assert any(p.grad is not None for p in model.translator.parameters())


def test_unequal_source_and_target_sizes_fail_clearly():
    model, wrappers = build_trainer()
    batch = uint8_batch(0)
    batch['inputs']['style'] = [torch.zeros(3, 32, 64, dtype=torch.uint8)]
    with pytest.raises(
            ValueError,
            match=r'source \(32, 32\) and target '
            r'\(32, 64\) images must have one size'):
        model.train_step(batch, wrappers)


def test_constructor_needs_existing_submodules():
    model, _ = build_trainer()
    adam = dict(optimizer=dict(type='Adam', lr=1e-3))
    with pytest.raises(ValueError, match='no sub-module `generator`'):
        MultiNetworkOptimWrapperConstructor(dict(generator=adam))(model)


# ------------------------------------------------------ export and load --


def test_export_and_load_round_trip(tmp_path):
    torch.manual_seed(0)
    translator = LRMTranslator()
    translator(images(0), images(1))  # moves the SN power-iteration vectors
    save_lrm_translator(translator, tmp_path / 'lrm.pth')
    plain = torch.load(tmp_path / 'lrm.pth', weights_only=True)
    assert set(plain) == set(translator.state_dict())
    raw = bytearray((tmp_path / 'lrm.pth').read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    (tmp_path / 'flipped.pth').write_bytes(bytes(raw))
    (tmp_path / 'flipped.pth.sha256').write_text(
        (tmp_path / 'lrm.pth.sha256').read_text().replace(
            'lrm.pth', 'flipped.pth'))
    with pytest.raises(ValueError, match='corrupt'):  # its sidecar refuses it
        load_lrm_translator(tmp_path / 'flipped.pth')
    loaded = load_lrm_translator(tmp_path / 'lrm.pth')
    assert not loaded.training
    assert not any(p.requires_grad for p in loaded.parameters())
    translator.eval()
    with torch.no_grad():
        torch.testing.assert_close(
            loaded.translate(images(2), images(3)),
            translator.translate(images(2), images(3)),
            rtol=0,
            atol=0)
    # a Runner checkpoint of LRMTrainer: the translator.* keys are taken
    runner_ckpt = dict(
        state_dict={
            **{
                f'translator.{k}': v
                for k, v in plain.items()
            }, 'discriminator.0.bias': torch.zeros(64)
        },
        meta=dict(iter=3))
    torch.save(runner_ckpt, tmp_path / 'iter_3.pth')
    from_runner = load_lrm_translator(tmp_path / 'iter_3.pth').state_dict()
    assert all(torch.equal(from_runner[k], v) for k, v in plain.items())


def test_load_lrm_translator_reports_mismatches(tmp_path):
    state = LRMTranslator().state_dict()
    del state['encoder.conv_in.weight']
    state['encoder.res1.body.norm1.gate'] = torch.ones(7)
    state['encoder.extra'] = torch.zeros(1)
    torch.save(state, tmp_path / 'bad.pth')
    with pytest.raises(ValueError) as err:
        load_lrm_translator(tmp_path / 'bad.pth')
    message = str(err.value)
    assert 'bad.pth does not match the LRM translator' in message
    assert 'missing keys (1): encoder.conv_in.weight' in message
    assert 'unexpected keys (1): encoder.extra' in message
    assert 'encoder.res1.body.norm1.gate: (32,) vs (7,)' in message
    (tmp_path / 'junk.pth').write_bytes(b'not a checkpoint')
    with pytest.raises(ValueError, match='not a readable PyTorch checkpoint'):
        load_lrm_translator(tmp_path / 'junk.pth')
    with pytest.raises(FileNotFoundError, match='nothing.pth'):
        load_lrm_translator(tmp_path / 'nothing.pth')

"""LRM training: the two players' train step and losses, the optimizer
constructor, and the translator's export and load."""
import pytest
import torch

from mmasm.engine.optimizers import MultiNetworkOptimWrapperConstructor
from mmasm.models.lrm import (BatchInstanceNorm2d, LRMTrainer, LRMTranslator,
                              load_lrm_translator, lsgan_loss,
                              save_lrm_translator)
from mmasm.utils import frozen

pytestmark = pytest.mark.usefixtures('one_torch_thread')


def images(seed, n=1, size=(32, 48)):
    gen = torch.Generator().manual_seed(seed)
    return torch.rand(n, 3, *size, generator=gen) * 255


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

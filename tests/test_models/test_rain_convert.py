"""Converting the authors' RAIN weights and ImageNet VGG-19s to mmasm RAIN.

The reference networks below are built exactly as pytorch-AdaIN / RAIN
build theirs (``nn.Sequential`` by index), so the converted mmasm model must
reproduce their forward passes.
"""
import pytest
import torch
import torch.nn as nn
from torchvision.models.vgg import cfgs, make_layers

from mmasm.models.rain import RAIN, load_rain_checkpoint
from mmasm.models.rain.convert import convert_rain_weights

STD_EPS = 1e-5
H, W = 32, 48


def _pad():
    return nn.ReflectionPad2d((1, 1, 1, 1))


def _pool():
    return nn.MaxPool2d((2, 2), (2, 2), (0, 0), ceil_mode=True)


def reference_vgg() -> nn.Sequential:
    """pytorch-AdaIN's ``vgg`` (53 modules, to relu5_4)."""
    layers = [nn.Conv2d(3, 3, (1, 1))]
    cin = 3
    for v in cfgs['E'][:-1]:  # the 'normalised' VGG-19 has no last pool
        if v == 'M':
            layers.append(_pool())
            continue
        layers += [_pad(), nn.Conv2d(cin, v, (3, 3)), nn.ReLU()]
        cin = v
    assert len(layers) == 53
    return nn.Sequential(*layers)


def reference_decoder() -> nn.Sequential:
    """pytorch-AdaIN's ``decoder``."""
    plan = [(512, 256), 'U', (256, 256), (256, 256), (256, 256), (256, 128),
            'U', (128, 128), (128, 64), 'U', (64, 64), (64, 3)]
    layers = []
    for step in plan:
        if step == 'U':
            layers.append(nn.Upsample(scale_factor=2, mode='nearest'))
        else:
            layers += [_pad(), nn.Conv2d(*step, (3, 3)), nn.ReLU()]
    return nn.Sequential(*layers[:-1])


def reference_fc(in_dim: int, depth: int) -> nn.Sequential:
    """RAIN's ``fc_encoder`` (1024 in) / ``fc_decoder`` (512 in)."""
    layers = [nn.Linear(in_dim, 1024)]
    for _ in range(depth - 1):
        layers += [nn.ReLU(), nn.Linear(1024, 1024)]
    return nn.Sequential(*layers)


def calc_mean_std(feat, eps=STD_EPS):
    n, c = feat.shape[:2]
    var = feat.reshape(n, c, -1).var(dim=2) + eps
    return (feat.reshape(n, c, -1).mean(dim=2).reshape(n, c, 1, 1),
            var.sqrt().reshape(n, c, 1, 1))


def reference_stylize(nets, images, eps):
    content = nets['vgg'][:31](images)
    stats = nets['fc_decoder'](eps)
    mean = stats[:, :512].reshape(-1, 512, 1, 1)
    std = stats[:, 512:].reshape(-1, 512, 1, 1)
    c_mean, c_std = calc_mean_std(content)
    return nets['decoder']((content - c_mean) / c_std * std + mean)


def reference_anchor(nets, images):
    mean, std = calc_mean_std(nets['vgg'][:31](images))
    code = nets['fc_encoder'](torch.cat([mean.flatten(1), std.flatten(1)], 1))
    return code[:, :512], code[:, 512:]


def _init(module: nn.Module) -> nn.Module:
    # Activation-preserving weights, so that comparisons are not of ~0s.
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight, nonlinearity='relu')
            nn.init.normal_(m.bias, std=0.1)
    return module.eval()


def save_published(tmp_path, depth=3, seed=0):
    torch.manual_seed(seed)
    nets = dict(
        vgg=_init(reference_vgg()),
        decoder=_init(reference_decoder()),
        fc_encoder=_init(reference_fc(1024, depth)),
        fc_decoder=_init(reference_fc(512, depth)))
    files = {}
    for name, net in nets.items():
        files[name] = str(tmp_path / f'{name}_d{depth}.pth')
        torch.save(net.state_dict(), files[name])
    return nets, files


@pytest.fixture(scope='module')
def published(tmp_path_factory):
    return save_published(tmp_path_factory.mktemp('published'))


def convert_and_load(tmp_path, files, vae_depth=3, **kwargs):
    state, report = convert_rain_weights(**files, **kwargs)
    out = tmp_path / 'rain.pth'
    torch.save(state, out)
    return load_rain_checkpoint(RAIN(vae_depth=vae_depth), str(out)), report


def assert_close(actual, expected, tol=1e-5):
    """Max abs difference relative to the reference's magnitude below tol."""
    scale = expected.abs().max().clamp(min=1.0)
    assert (actual - expected).abs().max() / scale < tol


def test_published_weights_reproduce_reference(published, tmp_path):
    nets, files = published
    rain, report = convert_and_load(tmp_path, files)
    assert report['vae_depth'] == 3
    assert report['parts'] == ['encoder', 'decoder', 'style_vae']
    assert len(report['dropped']) == 14  # conv4_2 ... conv5_4, weight + bias
    torch.manual_seed(1)
    images = torch.rand(2, 3, H, W)
    eps = torch.randn(2, 512)
    with torch.no_grad():
        out = rain.stylize(images, eps)
        ref = reference_stylize(nets, images, eps)
        psi, xi = rain.anchor(images)
        ref_psi, ref_xi = reference_anchor(nets, images)
    assert out.shape == ref.shape == (2, 3, H, W)
    assert ref.abs().max() > 1e-2  # a comparison of real signal
    assert_close(out, ref)
    assert_close(psi, ref_psi)
    assert_close(xi, ref_xi)


def save_fc_pair(tmp_path, depth, seed):
    torch.manual_seed(seed)
    nets, files = {}, {}
    for name, in_dim in (('fc_encoder', 1024), ('fc_decoder', 512)):
        nets[name] = _init(reference_fc(in_dim, depth))
        files[name] = str(tmp_path / f'{name}_d{depth}.pth')
        torch.save(nets[name].state_dict(), files[name])
    return nets, files


def test_depth_two_vae_and_depth_hint(published, tmp_path):
    nets, files = published
    fc_nets, fc_files = save_fc_pair(tmp_path, depth=2, seed=3)
    nets, files = dict(nets, **fc_nets), dict(files, **fc_files)
    state, report = convert_rain_weights(**files)
    assert report['vae_depth'] == 2
    out = tmp_path / 'rain_d2.pth'
    torch.save(state, out)
    with pytest.raises(ValueError, match=r'depth-2 style VAE.*vae_depth=2'):
        load_rain_checkpoint(RAIN(), str(out))
    rain = load_rain_checkpoint(RAIN(vae_depth=2), str(out))
    eps = torch.randn(1, 512)
    images = torch.rand(1, 3, H, W)
    with torch.no_grad():
        assert_close(
            rain.stylize(images, eps), reference_stylize(nets, images, eps))
        for got, ref in zip(
                rain.anchor(images), reference_anchor(nets, images)):
            assert_close(got, ref)


def test_module_prefix_is_tolerated(published, tmp_path):
    nets, files = published
    prefixed = tmp_path / 'decoder_ddp.pth'
    torch.save(
        {
            f'module.{k}': v
            for k, v in nets['decoder'].state_dict().items()
        }, prefixed)
    state, _ = convert_rain_weights(**dict(files, decoder=str(prefixed)))
    assert torch.equal(state['decoder.conv1_1.weight'],
                       nets['decoder'][28].weight)


def test_missing_file_is_named(published, tmp_path):
    _, files = published
    missing = str(tmp_path / 'nope' / 'decoder.pth')
    with pytest.raises(FileNotFoundError, match='nope/decoder.pth'):
        convert_rain_weights(**dict(files, decoder=missing))


def test_corrupt_file_is_named(published, tmp_path):
    _, files = published
    broken = tmp_path / 'broken.pth'
    broken.write_bytes(b'not a checkpoint at all')
    with pytest.raises(ValueError, match='broken.pth is not a readable'):
        convert_rain_weights(**dict(files, fc_encoder=str(broken)))


def test_wrong_key_is_named(published, tmp_path):
    nets, files = published
    bad = tmp_path / 'bad_keys.pth'
    state = nets['decoder'].state_dict()
    state['conv.weight'] = state.pop('1.weight')
    torch.save(state, bad)
    with pytest.raises(
            ValueError, match=r'bad_keys.pth: unexpected key '
            r'"conv.weight"'):
        convert_rain_weights(**dict(files, decoder=str(bad)))


def test_swapped_files_are_reported(published):
    _, files = published
    with pytest.raises(
            ValueError,
            match=r'decoder_d3.pth: layer indices'
            r'.*unexpected: \[1, 8, 11'):
        convert_rain_weights(**dict(files, vgg=files['decoder']))


def test_wrong_shape_lists_key_and_shapes(published, tmp_path):
    nets, files = published
    bad = tmp_path / 'bad_shape.pth'
    state = nets['decoder'].state_dict()
    state['1.weight'] = torch.zeros(256, 256, 3, 3)
    torch.save(state, bad)
    with pytest.raises(ValueError) as err:
        convert_rain_weights(**dict(files, decoder=str(bad)))
    assert ('decoder.conv4_1.weight: expected (256, 512, 3, 3), found '
            '(256, 256, 3, 3)') in str(err.value)


def test_vae_files_must_agree(published, tmp_path):
    _, files = published
    _, fc_files = save_fc_pair(tmp_path, depth=2, seed=4)
    with pytest.raises(ValueError, match='3 Linear layers but'):
        convert_rain_weights(**dict(files, fc_decoder=fc_files['fc_decoder']))


TAPS = dict(torchvision=(1, 6, 11, 20), mmpretrain=(0, 3, 6, 11))


def reflect_padded(features: nn.Sequential) -> nn.Sequential:
    """The same network with AdaIN's reflection padding (RAIN's borders)."""
    for m in features.modules():
        if isinstance(m, nn.Conv2d):
            m.padding_mode = 'reflect'
    return features.eval()


def taps_of(features, x, tap_indices):
    taps = []
    for i, layer in enumerate(features[:tap_indices[-1] + 1]):
        x = layer(x)
        if i in tap_indices:
            taps.append(x)
    return taps


def check_imagenet_encoder(tmp_path, ckpt, layout, features, normalise):
    state, report = convert_rain_weights(
        imagenet_vgg=str(ckpt), imagenet_layout=layout)
    assert report['parts'] == ['encoder'] and report['vae_depth'] == 0
    out = tmp_path / 'encoder.pth'
    torch.save(state, out)
    with pytest.raises(ValueError, match='missing keys'):
        load_rain_checkpoint(RAIN(), str(out))  # strict: decoder missing
    rain = load_rain_checkpoint(RAIN(), str(out), strict=False)
    torch.manual_seed(5)
    images = torch.rand(2, 3, H, W)
    with torch.no_grad():
        got = rain.encoder.forward_taps(images)
        ref = taps_of(
            reflect_padded(features), normalise(images), TAPS[layout])
    for g, r in zip(got, ref):
        assert g.shape == r.shape
        assert r.abs().max() > 1e-2
        assert_close(g, r)
    return report


def test_imagenet_torchvision_encoder(tmp_path):
    torch.manual_seed(6)
    features = make_layers(cfgs['E'])  # torchvision's own VGG-19 features
    state = {f'features.{k}': v for k, v in features.state_dict().items()}
    state['classifier.6.bias'] = torch.zeros(1000)
    ckpt = tmp_path / 'vgg19_torchvision.pth'
    torch.save(state, ckpt)
    mean = torch.tensor([0.485, 0.456, 0.406]).reshape(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).reshape(1, 3, 1, 1)
    report = check_imagenet_encoder(tmp_path, ckpt, 'torchvision', features,
                                    lambda x: (x - mean) / std)
    assert 'classifier.6.bias' in report['dropped']
    assert 'features.34.weight' in report['dropped']  # conv5_4


def test_imagenet_mmpretrain_encoder(tmp_path):
    from mmpretrain.models import VGG
    torch.manual_seed(7)
    vgg = VGG(depth=19)
    vgg.init_weights()
    state = {f'backbone.{k}': v for k, v in vgg.state_dict().items()}
    ckpt = tmp_path / 'vgg19_mmpretrain.pth'
    torch.save(dict(state_dict=state, meta=dict(epoch=100)), ckpt)
    mean = torch.tensor([123.675, 116.28, 103.53]).reshape(1, 3, 1, 1)
    std = torch.tensor([58.395, 57.12, 57.375]).reshape(1, 3, 1, 1)
    check_imagenet_encoder(tmp_path, ckpt, 'mmpretrain', vgg.features,
                           lambda x: (x * 255 - mean) / std)


def test_imagenet_layout_mismatch(tmp_path):
    features = make_layers(cfgs['E'])
    ckpt = tmp_path / 'vgg19_tv.pth'
    torch.save({
        f'features.{k}': v
        for k, v in features.state_dict().items()
    }, ckpt)
    with pytest.raises(ValueError, match='no mmpretrain-layout VGG keys'):
        convert_rain_weights(
            imagenet_vgg=str(ckpt), imagenet_layout='mmpretrain')

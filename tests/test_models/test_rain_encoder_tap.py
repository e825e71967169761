"""RAIN's ``encoder_tap`` option: shallower encoders for small images, the
mirrored decoder, a style VAE over their statistics, and checkpoints of
another tap refused by name."""
import pytest
import torch

from mmasm.models.rain import RAIN, load_rain, load_rain_checkpoint
from mmasm.models.rain.rain_loss import RAINLoss

#: tap -> (channels, stride, decoder's first conv)
TAPS = {
    'relu2_1': (128, 2, 'conv2_1'),
    'relu3_1': (256, 4, 'conv3_1'),
    'relu4_1': (512, 8, 'conv4_1')
}


def images(n=2, h=32, w=32, seed=0):
    return torch.rand(
        n, 3, h, w, generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize('tap', TAPS)
def test_tap_sets_feature_map_decoder_and_style_vae(tap):
    channels, stride, first_conv = TAPS[tap]
    torch.manual_seed(0)
    rain = RAIN(encoder_tap=tap).eval()
    content = rain.content_features(images(2, 32, 32))
    assert content.shape == (2, channels, 32 // stride, 32 // stride)
    assert rain.decoder.layers[0][:2] == (first_conv, channels)
    assert rain.style_vae.encoder[0].in_features == 2 * channels
    # the decoder undoes exactly the encoder's pools; odd sizes are padded
    # to the tap's stride and cropped back
    eps = torch.randn(2, 512, requires_grad=True)
    out = rain.stylize(images(2, 21, 30), eps)
    assert out.shape == (2, 3, 21, 30)
    out.square().mean().backward()
    assert eps.grad.abs().sum() > 0


def test_shallow_tap_drops_the_deeper_layers_and_keeps_default_keys():
    shallow = RAIN(encoder_tap='relu2_1').state_dict()
    assert not any(
        k.startswith(('encoder.conv3', 'encoder.conv4', 'decoder.conv3',
                      'decoder.conv4')) for k in shallow)
    # the default is the paper's relu4_1 RAIN, key for key
    assert list(RAIN().state_dict()) == list(
        RAIN(encoder_tap='relu4_1').state_dict())


def test_style_loss_reads_the_taps_up_to_the_encoder_tap():
    torch.manual_seed(0)
    rain = RAIN(encoder_tap='relu3_1')
    taps = rain.encoder.forward_taps(images(1))
    assert [t.shape[1] for t in taps] == [64, 128, 256]
    losses = RAINLoss()(rain, images(2, seed=1), images(2, seed=2))
    assert all(torch.isfinite(v) for v in losses.values())


def test_unknown_tap_is_refused():
    with pytest.raises(
            ValueError, match=r"encoder_tap must be one of .*'relu5_1'"):
        RAIN(encoder_tap='relu5_1')


def test_checkpoint_of_another_tap_is_refused_naming_both(tmp_path):
    path = tmp_path / 'rain_relu2.pth'
    torch.save(RAIN(encoder_tap='relu2_1').state_dict(), path)
    with pytest.raises(
            ValueError,
            match=r'encoder ends at conv2_1 \(tap relu2_1\), the '
            r"model taps relu4_1.*RAIN\(encoder_tap='relu2_1'\)"):
        load_rain_checkpoint(RAIN(), str(path))
    with pytest.raises(
            ValueError, match=r'encoder ends at conv4_1.*model taps relu3_1'):
        torch.save(RAIN().state_dict(), tmp_path / 'rain_relu4.pth')
        load_rain_checkpoint(
            RAIN(encoder_tap='relu3_1'), str(tmp_path / 'rain_relu4.pth'))


def test_load_rain_takes_the_tap_of_the_file(tmp_path):
    torch.manual_seed(0)
    source = RAIN(encoder_tap='relu3_1')
    torch.save(source.state_dict(), tmp_path / 'rain.pth')
    rain = load_rain(str(tmp_path / 'rain.pth'))
    assert rain.encoder.tap == 'relu3_1'
    assert torch.equal(rain.decoder.conv1_1.weight,
                       source.decoder.conv1_1.weight)
    assert load_rain().encoder.tap == 'relu4_1'
    with pytest.raises(ValueError, match='model taps relu2_1'):
        load_rain(str(tmp_path / 'rain.pth'), encoder_tap='relu2_1')

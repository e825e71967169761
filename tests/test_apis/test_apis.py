"""mmasm.apis: image reading, conventions, load_rain, anchors, stylize."""
import cv2
import numpy as np
import pytest
import torch
from utils import save_random_rain

from mmasm.apis import (IMG_EXTENSIONS, bgr_uint8_to_rgb01, compute_anchor,
                        list_images, load_rain, read_rgb, rgb01_to_bgr_uint8,
                        stylize, target_statistics)


@pytest.fixture(scope='module')
def ckpt(tmp_path_factory):
    path = tmp_path_factory.mktemp('rain') / 'rain.pth'
    save_random_rain(path)
    return str(path)


@pytest.fixture(scope='module')
def rain(ckpt):
    return load_rain(ckpt)


def write(path, img):
    assert cv2.imwrite(str(path), img)
    return str(path)


def test_read_rgb_color_gray_rgba_16bit(tmp_path):
    rng = np.random.default_rng(0)
    bgr = rng.integers(0, 256, (17, 19, 3), dtype=np.uint8)
    x = read_rgb(write(tmp_path / 'c.png', bgr))
    assert x.shape == (3, 17, 19) and x.dtype == torch.float32
    assert torch.equal(
        x,
        torch.from_numpy(bgr[..., ::-1].copy()).permute(2, 0, 1).float() / 255)

    gray = read_rgb(write(tmp_path / 'g.png', bgr[..., 0]))
    assert gray.shape == (3, 17, 19)
    assert torch.equal(gray[0], gray[1]) and torch.equal(gray[1], gray[2])
    assert torch.equal(gray[0], torch.from_numpy(bgr[..., 0]).float() / 255)

    alpha = rng.integers(0, 256, (17, 19, 1), dtype=np.uint8)
    rgba = read_rgb(write(tmp_path / 'a.png', np.concatenate([bgr, alpha], 2)))
    assert torch.equal(rgba, x)

    deep = (bgr.astype(np.uint16) * 257)  # same levels on 16 bits
    deep[0, 0] = (65535, 1, 32768)
    x16 = read_rgb(write(tmp_path / 'd.png', deep))
    assert torch.allclose(x16[:, 1:], x[:, 1:], atol=1e-6)
    assert torch.allclose(x16[:, 0, 0],
                          torch.tensor([32768, 1, 65535]) / 65535.0)
    assert x16.max() <= 1


def test_read_rgb_bad_files(tmp_path):
    with pytest.raises(FileNotFoundError, match='missing.png'):
        read_rgb(tmp_path / 'missing.png')
    (tmp_path / 'broken.png').write_bytes(b'not a png')
    with pytest.raises(ValueError, match='broken.png'):
        read_rgb(tmp_path / 'broken.png')
    tiny = write(tmp_path / 'tiny.png', np.zeros((7, 20, 3), np.uint8))
    with pytest.raises(ValueError, match=r'tiny\.png.*20x7.*at least 16x16'):
        read_rgb(tiny)
    assert read_rgb(tiny, min_size=1).shape == (3, 7, 20)


def test_list_images(tmp_path):
    write(tmp_path / 'b.png', np.zeros((8, 8, 3), np.uint8))
    (tmp_path / 'sub').mkdir()
    write(tmp_path / 'sub' / 'a.JPG', np.zeros((8, 8, 3), np.uint8))
    (tmp_path / 'notes.txt').write_text('not an image')
    assert list_images(tmp_path) == [
        str(tmp_path / 'b.png'),
        str(tmp_path / 'sub' / 'a.JPG')
    ]
    assert list_images([tmp_path / 'b.png', tmp_path / 'sub']) == [
        str(tmp_path / 'b.png'),
        str(tmp_path / 'sub' / 'a.JPG')
    ]
    (tmp_path / 'empty').mkdir()
    (tmp_path / 'empty' / 'x.txt').write_text('')
    with pytest.raises(ValueError, match=r'empty.*\.png'):
        list_images(tmp_path / 'empty')
    with pytest.raises(FileNotFoundError, match='nowhere'):
        list_images(tmp_path / 'nowhere')
    assert '.png' in IMG_EXTENSIONS


def test_bgr_rgb_conversions_round_trip():
    bgr = np.random.default_rng(1).integers(0, 256, (5, 7, 3), dtype=np.uint8)
    bgr[0, 0] = (255, 0, 0)  # pure blue
    rgb = bgr_uint8_to_rgb01(bgr)
    assert rgb.shape == (3, 5, 7) and rgb.min() >= 0 and rgb.max() <= 1
    assert rgb[:, 0, 0].tolist() == [0, 0, 1]
    back = rgb01_to_bgr_uint8(rgb)
    assert back.dtype == np.uint8 and np.array_equal(back, bgr)
    # out-of-range values (RAIN's decoder is not clamped) are clipped
    out = rgb01_to_bgr_uint8(
        torch.full(
            (3, 2, 2), 1.7) * torch.tensor([1., -1., 0.5])[:, None, None])
    assert out[0, 0].tolist() == [217, 0, 255]  # B=0.85, G=-1.7, R=1.7
    with pytest.raises(TypeError, match='uint8'):
        bgr_uint8_to_rgb01(bgr.astype(np.float32))
    with pytest.raises(ValueError, match=r'\(H, W, 3\)'):
        bgr_uint8_to_rgb01(bgr[..., 0])


def test_load_rain(ckpt, tmp_path):
    rain = load_rain(ckpt)
    expected = torch.load(ckpt, weights_only=True)
    state = rain.state_dict()
    assert state.keys() == expected.keys()
    assert all(torch.equal(state[k], expected[k]) for k in state)
    assert not rain.training
    assert not any(p.requires_grad for p in rain.parameters())
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        load_rain(tmp_path / 'nope.pth')


def test_compute_anchor_one_row_per_image(rain, tmp_path):
    rng = np.random.default_rng(2)
    a = write(tmp_path / 'a.png', rng.integers(0, 256, (24, 40, 3), np.uint8))
    b = write(tmp_path / 'b.png', rng.integers(0, 256, (33, 17, 3), np.uint8))
    psi, xi = compute_anchor(rain, [a, b])
    assert psi.shape == xi.shape == (2, 512)
    with torch.no_grad():
        for i, path in enumerate([a, b]):
            ref_psi, ref_xi = rain.anchor(read_rgb(path)[None])
            assert torch.allclose(psi[i], ref_psi[0], atol=1e-5)
            assert torch.allclose(xi[i], ref_xi[0], atol=1e-5)
    assert not torch.allclose(psi[0], psi[1])
    # a folder gives the same rows; results can enter autograd later
    folder_psi, _ = compute_anchor(rain, tmp_path)
    assert torch.allclose(folder_psi, psi)
    eps = (psi + xi).requires_grad_()
    (eps * xi).sum().backward()
    assert torch.equal(eps.grad, xi)


def test_stylize_random_and_anchored(rain):
    x = torch.rand(2, 3, 20, 28, generator=torch.Generator().manual_seed(3))
    out = stylize(rain, x, generator=torch.Generator().manual_seed(0))
    assert out.shape == x.shape and out.min() >= 0 and out.max() <= 1
    again = stylize(rain, x, generator=torch.Generator().manual_seed(0))
    other = stylize(rain, x, generator=torch.Generator().manual_seed(1))
    assert torch.equal(out, again)
    assert (out - other).abs().mean() > 1e-3
    single = stylize(rain, x[0], generator=torch.Generator().manual_seed(0))
    assert single.shape == (3, 20, 28)

    psi, xi = torch.randn(1, 512), torch.rand(1, 512)
    anchored = stylize(
        rain,
        x,
        'anchored',
        anchor=(psi, xi),
        generator=torch.Generator().manual_seed(5))
    with torch.no_grad():
        # sample_eps draws the anchor index first, then the noise
        g = torch.Generator().manual_seed(5)
        torch.randint(1, (2, ), generator=g)
        eps = psi + torch.randn(2, 512, generator=g) * xi
        expected = rain.stylize(x, eps).clamp(0, 1)
    assert torch.allclose(anchored, expected, atol=1e-5)


def test_stylize_target_mode_is_plain_adain(rain, tmp_path):
    rng = np.random.default_rng(4)
    target = write(tmp_path / 't.png',
                   rng.integers(0, 256, (30, 30, 3), np.uint8))
    x = torch.rand(1, 3, 16, 24, generator=torch.Generator().manual_seed(6))
    out = stylize(rain, x, 'target', target=target)
    mean, std = target_statistics(rain, target)
    with torch.no_grad():
        feat = rain.adain(rain.content_features(x), mean, std)
        expected = rain.decoder(feat)[..., :16, :24].clamp(0, 1)
    assert torch.allclose(out, expected, atol=1e-5)
    # alpha = 0 keeps the content features: the target no longer matters
    other = torch.rand(3, 16, 16)
    plain = [
        stylize(rain, x, 'target', target=t, alpha=0.0)
        for t in (target, other)
    ]
    assert torch.allclose(plain[0], plain[1], atol=1e-6)
    assert not torch.allclose(out, plain[0], atol=1e-3)


def test_stylize_paths_and_bad_arguments(rain, tmp_path):
    rng = np.random.default_rng(5)
    a = write(tmp_path / 'a.png', rng.integers(0, 256, (16, 24, 3), np.uint8))
    b = write(tmp_path / 'b.png', rng.integers(0, 256, (17, 21), np.uint8))
    outs = stylize(rain, [a, b], generator=torch.Generator().manual_seed(0))
    assert [o.shape for o in outs] == [(3, 16, 24), (3, 17, 21)]
    with pytest.raises(ValueError, match='mode must be one of'):
        stylize(rain, torch.rand(3, 16, 16), mode='asm')
    with pytest.raises(ValueError, match='needs anchor'):
        stylize(rain, torch.rand(3, 16, 16), mode='anchored')
    with pytest.raises(ValueError, match='2 target images for 3 images'):
        stylize(
            rain,
            torch.rand(3, 3, 16, 16),
            'target',
            target=torch.rand(2, 3, 16, 16))

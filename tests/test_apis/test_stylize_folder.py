"""stylize_folder (and tools/stylize.py) end to end on small images."""
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from utils import save_random_rain

from mmasm.apis import (compute_anchor, load_rain, read_rgb, stylize,
                        stylize_folder)
from tools import stylize as tool_stylize


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp('stylize')
    rng = np.random.default_rng(0)
    (root / 'in' / 'sub').mkdir(parents=True)
    (root / 'tg').mkdir()
    cv2.imwrite(
        str(root / 'in' / 'a.png'), rng.integers(0, 256, (20, 28, 3),
                                                 np.uint8))
    cv2.imwrite(
        str(root / 'in' / 'sub' / 'b.jpg'),
        rng.integers(0, 256, (20, 16), np.uint8))  # grayscale
    (root / 'in' / 'notes.txt').write_text('skipped')
    cv2.imwrite(
        str(root / 'tg' / 't0.png'), rng.integers(0, 256, (18, 18, 3),
                                                  np.uint8))
    cv2.imwrite(
        str(root / 'tg' / 't1.png'),
        np.full((16, 20, 3), (200, 40, 10), np.uint8))
    save_random_rain(root / 'rain.pth')
    return root


def read(path):
    img = cv2.imread(str(path))
    assert img is not None, path
    return img


def test_random_mode_writes_styles_and_grid(data, tmp_path):
    args = [str(data / 'in'), str(data / 'rain.pth'), str(tmp_path / 'out')]
    written = stylize_folder(*args, num_styles=3, seed=5)
    names = sorted(osp.relpath(p, tmp_path / 'out') for p in written)
    assert names == sorted([
        'a_style0.png', 'a_style1.png', 'a_style2.png', 'sub/b_style0.png',
        'sub/b_style1.png', 'sub/b_style2.png', 'grid.png'
    ])
    assert read(tmp_path / 'out' / 'a_style0.png').shape == (20, 28, 3)
    assert read(tmp_path / 'out' / 'sub' / 'b_style1.png').shape == (20, 16, 3)
    # grid: 2 rows x (original + 3 styles) cells of the largest size, 4 px
    # padding around each cell
    assert read(tmp_path / 'out' / 'grid.png').shape == (2 * (20 + 4) + 4,
                                                         4 * (28 + 4) + 4, 3)
    styles = [read(tmp_path / 'out' / f'a_style{k}.png') for k in range(3)]
    assert np.abs(styles[0].astype(float) - styles[1]).mean() > 1

    # style k is the k-th eps of the seeded generator, for every input
    rain = load_rain(str(data / 'rain.pth'))
    eps = rain.sample_eps(3, generator=torch.Generator().manual_seed(5))
    expected = stylize(rain, read_rgb(data / 'in' / 'a.png'), eps=eps[1:2])
    expected = np.round(expected.permute(1, 2, 0).numpy()[..., ::-1] * 255)
    assert np.abs(styles[1].astype(float) - expected).max() <= 1

    again = stylize_folder(*args, num_styles=3, seed=5)
    assert all(
        np.array_equal(read(a), read(b)) for a, b in zip(written, again))


def test_target_and_anchored_modes(data, tmp_path):
    written = stylize_folder(
        str(data / 'in' / 'a.png'),
        str(data / 'rain.pth'),
        str(tmp_path / 't'),
        mode='target',
        target=[str(data / 'tg')])
    assert [osp.basename(p)
            for p in written] == ['a_style0.png', 'a_style1.png', 'grid.png']
    rain = load_rain(str(data / 'rain.pth'))
    expected = stylize(
        rain,
        read_rgb(data / 'in' / 'a.png'),
        'target',
        target=str(data / 'tg' / 't1.png'))
    expected = np.round(expected.permute(1, 2, 0).numpy()[..., ::-1] * 255)
    assert np.abs(read(written[1]).astype(float) - expected).max() <= 1

    written = stylize_folder(
        str(data / 'in' / 'a.png'),
        str(data / 'rain.pth'),
        str(tmp_path / 'an'),
        mode='anchored',
        target=[str(data / 'tg' / 't0.png')],
        num_styles=2,
        alpha=0.5)
    assert read(written[-1]).shape == (20 + 8, 3 * (28 + 4) + 4, 3)
    psi_xi = compute_anchor(rain, str(data / 'tg' / 't0.png'))
    eps = rain.sample_eps(
        2, *psi_xi, generator=torch.Generator().manual_seed(0))
    expected = stylize(
        rain, read_rgb(data / 'in' / 'a.png'), eps=eps[1:], alpha=0.5)
    expected = np.round(expected.permute(1, 2, 0).numpy()[..., ::-1] * 255)
    assert np.abs(read(written[1]).astype(float) - expected).max() <= 1


def test_bad_input(data, tmp_path):
    base = [str(data / 'rain.pth'), str(tmp_path)]
    (tmp_path / 'empty').mkdir()
    with pytest.raises(ValueError, match=r'no image in folder.*empty.*\.png'):
        stylize_folder(str(tmp_path / 'empty'), *base)
    with pytest.raises(FileNotFoundError, match='missing.png'):
        stylize_folder(str(tmp_path / 'missing.png'), *base)
    cv2.imwrite(str(tmp_path / 'tiny.png'), np.zeros((6, 6), np.uint8))
    with pytest.raises(ValueError, match=r"tiny\.png' is 6x6.*at least 16x16"):
        stylize_folder(str(tmp_path / 'tiny.png'), *base)
    for options, message in [
        (dict(mode='anchored'), 'needs --target'),
        (dict(alpha=2.0), r'alpha must be in \[0, 1\]'),
        (dict(num_styles=0), 'num-styles must be >= 1'),
        (dict(mode='target', target='t.png',
              num_styles=2), 'does not apply to --mode target')
    ]:
        with pytest.raises(ValueError, match=message):
            stylize_folder(str(data / 'in'), *base, **options)
    assert sorted(p.name for p in tmp_path.iterdir()) == ['empty', 'tiny.png']


def test_tool_writes_one_png_per_style_and_the_grid(data, tmp_path, capsys):
    tool_stylize.main([
        str(data / 'in' / 'a.png'), '--checkpoint',
        str(data / 'rain.pth'), '--out',
        str(tmp_path), '--num-styles', '2', '--alpha', '0.5'
    ])
    assert 'wrote 2 stylized images' in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        'a_style0.png', 'a_style1.png', 'grid.png'
    ]

"""``bench_rain_style_luma``: the luma of a RAIN's styles against the
one-shot images they copy, on a tiny demo pair and two rendered domains."""
import glob
import json

import cv2
import numpy as np
import pytest
from utils import save_random_rain

from mmasm.demo.domains import make_demo_domains, make_target_domains
from tools.benchmarks.bench_rain_style_luma import main

pytestmark = pytest.mark.usefixtures('one_torch_thread')


def luma_of_file(path):
    rgb = cv2.imread(str(path))[..., ::-1].astype(float) / 255
    luma = rgb @ np.array([0.2989, 0.587, 0.114])
    return luma.mean(), luma.std(ddof=1)


def table_cells(text):
    """The printed table: row name -> [(mean, std) or None per column]."""
    rows = {}
    for line in text.splitlines()[4:]:
        name, *cells = [c.strip() for c in line.strip('|').split('|')]
        rows[name] = [
            None if c == '-' else tuple(map(float, c.split(' / ')))
            for c in cells
        ]
    return rows


def test_columns_are_the_image_the_decoder_and_the_vae(tmp_path):
    pair = tmp_path / 'pair'
    make_demo_domains(
        str(pair),
        num_source=3,
        num_target_train=2,
        num_target_val=1,
        size=(64, 32))
    make_target_domains(
        str(tmp_path / 'domains'),
        str(pair), ['day', 'night'],
        num_train=2,
        num_val=1)
    save_random_rain(tmp_path / 'rain.pth', encoder_tap='relu2_1')
    args = [
        str(tmp_path / 'rain.pth'), '--pair',
        str(pair), '--domains-dir',
        str(tmp_path / 'domains'), '--domains', 'day', 'night', '--num-source',
        '3'
    ]
    rows = table_cells(main(args))
    assert list(rows) == ['source (own statistics)', 'day', 'night']
    sources = sorted(glob.glob(str(pair / 'source' / 'images' / '*.png')))
    own = np.mean([luma_of_file(f) for f in sources], axis=0)
    assert rows['source (own statistics)'][0] == pytest.approx(
        tuple(own), abs=1e-3)
    for domain in ('day', 'night'):
        folder = tmp_path / 'domains' / domain
        meta = json.loads((folder / 'meta.json').read_text())
        shot = folder / 'target' / meta['target']['one_shot_image']
        image, decoder, vae = rows[domain]
        assert image == pytest.approx(luma_of_file(shot), abs=1e-3)
        assert decoder != vae  # the VAE's style is not the true one
    assert rows['day'][1] != rows['night'][1]  # each domain's statistics
    assert main(args) == main(args)  # seeded style draws
    with pytest.raises(FileNotFoundError, match='4 source images wanted'):
        main(args[:-1] + ['4'])

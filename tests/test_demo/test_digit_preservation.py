"""The digit-preservation score that picks the digits demo's RAIN: a
source-only classifier's accuracy on stylized source images."""
import json
import os.path as osp

import cv2
import pytest
import torch
from mmengine.config import Config
from utils import make_tiny_digits, run_module

from mmasm.apis import train_config
from mmasm.utils import mmasm_config_root

pytestmark = pytest.mark.usefixtures('one_torch_thread')


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    """The tiny pair, its random RAINs (relu2_1 and relu4_1) and a
    source-only classifier trained for 3 iterations (checkpoint in ``run``)."""
    root = tmp_path_factory.mktemp('preservation')
    digits = make_tiny_digits(root)
    cfg = Config.fromfile(
        osp.join(mmasm_config_root(), 'demo_digits', 'source-only_digits.py'))
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[loader].dataset.data_root = digits['root']
    cfg.merge_from_dict({
        'train_cfg.max_iters': 3,
        'train_cfg.val_interval': 3,
        'default_hooks.checkpoint.interval': 3,
        'log_level': 'WARNING'
    })
    digits['run'] = str(root / 'source-only')
    train_config(cfg, digits['run'])
    return digits


def test_stylized_batch_round_trip_keeps_the_predictions(trained):
    from tools.benchmarks.digits.preservation import (class_scores, labels_of,
                                                      source_batches,
                                                      source_classifier)
    model = source_classifier(trained['run'], trained['root'], trained['rain'],
                              trained['one_shot'])
    (batch, ) = source_batches(trained['root'], trained['rain'],
                               trained['one_shot'], 30, 30)
    labels = labels_of(batch)
    assert len(labels) == 30 and len(set(
        labels.tolist())) == 10  # spread over the classes
    plain = class_scores(model, batch)
    # the source images handed back as RGB [0, 1], as a RAIN output would be:
    # the same scores (range handled as the ASM hook does) ...
    rgb = torch.stack(list(batch['inputs'])).flip(1).float() / 255
    torch.testing.assert_close(class_scores(model, batch, rgb), plain)
    # ... which do depend on the images handed in
    assert (class_scores(model, batch, rgb * 0.5) - plain).abs().max() > 1e-4


def test_scores_rains_of_any_tap_and_draws_the_search(trained, tmp_path):
    from tools.benchmarks.digits.preservation import (labels_of, predictions,
                                                      source_batches,
                                                      source_classifier)
    result = run_module('tools.benchmarks.bench_digit_preservation', '--rains',
                        f'relu4_1={trained["rain_relu4_1"]}',
                        f'relu2_1={trained["rain"]}', '--classifier-run',
                        trained['run'], '--data', trained['root'],
                        '--num-images', '40', '--out', tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    results = json.loads((tmp_path / 'digit_preservation.json').read_text())
    model = source_classifier(trained['run'], trained['root'], trained['rain'],
                              trained['one_shot'])
    (batch, ) = source_batches(trained['root'], trained['rain'],
                               trained['one_shot'], 40, 64)
    expected = 100.0 * (predictions(model, batch)
                        == labels_of(batch)).float().mean().item()
    for name, tap in (('relu4_1', 'relu4_1'), ('relu2_1', 'relu2_1')):
        scores = results[name]
        assert scores['encoder_tap'] == tap and scores['num_images'] == 40
        assert scores['source'] == pytest.approx(expected)
        assert 0 <= scores['random'] <= 100 and 0 <= scores['anchored'] <= 100
        assert scores['asm_search_seconds'] > 0
        # rows: source, random, anchored, ASM search steps 1..5; 8 images each
        grid = cv2.imread(str(tmp_path / f'{name}.png'))
        assert grid.shape == (8 * 34 + 2, 8 * 34 + 2, 3)
    assert '| relu2_1 | relu2_1 |' in (tmp_path /
                                       'digit_preservation.md').read_text()

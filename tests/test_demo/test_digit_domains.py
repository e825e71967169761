"""The digits demo pair: deterministic rendering, and a layout mmpretrain's
CustomDataset reads."""
import hashlib
from pathlib import Path

import numpy as np
import pytest
from mmengine.registry import init_default_scope

from mmasm.demo.digits import (DIGIT_SIZE, load_source_digits,
                               make_digit_domains, render_street_digit)


def digest(folder):
    files = sorted(p for p in Path(folder).rglob('*') if p.is_file())
    return hashlib.sha256(b''.join(p.read_bytes() for p in files)).hexdigest()


def test_street_digits_are_deterministic_by_seed_and_vary_between_seeds():
    first = render_street_digit(np.random.default_rng(3), 5)
    again = render_street_digit(np.random.default_rng(3), 5)
    other = render_street_digit(np.random.default_rng(4), 5)
    assert first.shape == (DIGIT_SIZE, DIGIT_SIZE,
                           3) and first.dtype == np.uint8
    np.testing.assert_array_equal(first, again)
    assert np.abs(first.astype(int) - other).mean() > 10
    assert first.reshape(-1, 3).std(axis=0).max() > 10  # not a flat image


def test_source_is_sklearns_1797_scans_upsampled_to_3_channels():
    images, labels = load_source_digits()
    assert images.shape == (1797, DIGIT_SIZE, DIGIT_SIZE, 3)
    assert sorted(set(labels.tolist())) == list(range(10))
    assert (images[..., 0] == images[..., 2]).all()
    assert images[:, 0].mean(
    ) < 1 and images.max() > 200  # dark margin, white ink


def test_pair_layout_reads_with_mmpretrain_custom_dataset(tmp_path):
    out = tmp_path / 'digits'
    domains = make_digit_domains(
        str(out), seed=1, num_target_train=10, num_target_test=20, num_style=3)
    init_default_scope('mmpretrain')
    from mmpretrain.registry import DATASETS
    test = DATASETS.build(
        dict(
            type='CustomDataset',
            data_root=str(out),
            data_prefix='target/test',
            pipeline=[]))
    source = DATASETS.build(
        dict(
            type='CustomDataset',
            data_root=str(out),
            data_prefix='source/train',
            pipeline=[]))
    assert test.metainfo['classes'] == tuple('0123456789')
    assert len(test) == 20 and len(source) == 1797
    assert sorted(test.get_gt_labels().tolist()) == sorted(list(range(10)) * 2)
    assert len(list((out / 'style').glob('*.png'))) == 3
    shots = domains.one_shot_images
    assert len(shots) == 10 and all(
        Path(s).is_file() and '/target/train/' in s for s in shots)
    # same arguments, same bytes; an existing folder needs force
    with pytest.raises(FileExistsError, match='already exists'):
        make_digit_domains(
            str(out),
            seed=1,
            num_target_train=10,
            num_target_test=20,
            num_style=3)
    before = digest(out)
    make_digit_domains(
        str(out),
        seed=1,
        num_target_train=10,
        num_target_test=20,
        num_style=3,
        force=True)
    assert digest(out) == before


def test_benchmark_points_each_arm_at_the_pair_rain_and_one_shot_image():
    from tools.benchmarks.digits.runs import (DIGIT_ARMS, arm_config,
                                              digits_table)
    for arm in DIGIT_ARMS:
        cfg = arm_config(arm, '/data/d', '/w/rain.pth',
                         '/data/d/target/train/3/00007.png', 2)
        assert cfg.randomness.seed == 2
        assert cfg.train_dataloader.dataset.data_root == '/data/d'
        assert cfg.val_dataloader.dataset.data_prefix == 'target/test'
        hooks = cfg.get('custom_hooks', [])
        assert len(hooks) == (arm in ('random', 'anchored', 'asm'))
        for hook in hooks:
            assert hook.rain_checkpoint == '/w/rain.pth'
            assert hook.target == (None if arm == 'random' else
                                   '/data/d/target/train/3/00007.png')
        # equal budget: 1500 optimizer steps on batches of 16 images
        steps = cfg.train_cfg.max_iters * (
            hooks[0].search_depth if hooks else 1)
        batch = cfg.train_dataloader.batch_size * (
            2 if hooks and hooks[0].keep_source else 1)
        assert (steps, batch) == (1500, 16)
    runs = {
        s: {
            'accuracy/top1': a,
            'seconds': 10.0
        }
        for s, a in enumerate((40.0, 50.0))
    }
    table = digits_table({'asm': runs})
    assert '| 45.0 ± 5.0 | 40.0 | 50.0 | 10 |' in table

"""``build_runner``: mmasm's tools' runner, with the class-count check."""
import time

import pytest
from utils import tiny_segformer_config

from mmasm.utils import build_runner


@pytest.mark.parametrize('num_classes', [25, 10])
def test_class_count_mismatch_fails_before_the_first_iteration(
        num_classes, tmp_path, cityscapes_root):
    cfg = tiny_segformer_config(cityscapes_root, tmp_path / 'work')
    cfg.model.decode_head.num_classes = num_classes
    runner = build_runner(cfg)
    with pytest.raises(
            ValueError,
            match=rf'decode_head.num_classes={num_classes} but the '
            r'training dataset .* has 19 classes'):
        runner.train()
    assert runner.iter == 0
    assert not list((tmp_path / 'work').glob('*.pth'))


def test_matching_class_count_trains(tmp_path, cityscapes_root):
    cfg = tiny_segformer_config(cityscapes_root, tmp_path / 'work')
    cfg.train_cfg.update(max_iters=1, val_interval=10)
    runner = build_runner(cfg)
    runner.train()
    assert runner.iter == 1
    assert sum(type(h).__name__ == 'NumClassCheckHook'
               for h in runner.hooks) == 1


def test_runners_of_one_second_log_into_their_own_folders(
        tmp_path, cityscapes_root, monkeypatch):
    # mmengine stamps runs to the second: freeze the clock on one second
    second = time.strftime('%Y%m%d_%H%M%S')
    monkeypatch.setattr(time, 'strftime', lambda fmt, *args: second)
    runners = []
    for name in ('first', 'second'):
        cfg = tiny_segformer_config(cityscapes_root, tmp_path / name)
        cfg.train_cfg.update(max_iters=1, val_interval=10)
        cfg.default_hooks.logger = dict(type='LoggerHook', interval=1)
        runners.append(build_runner(cfg))
    for runner in runners:
        runner.train()
    names = {runner.experiment_name for runner in runners}
    assert len(names) == 2
    for name, runner in zip(('first', 'second'), runners):
        (scalars, ) = (tmp_path / name).glob('*/vis_data/scalars.json')
        train = [r for r in scalars.read_text().splitlines() if '"iter"' in r]
        assert len(train) == 1 and '"iter": 1,' in train[0]

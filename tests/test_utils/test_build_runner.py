"""``build_runner``: mmasm's tools' runner, with the class-count check."""
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

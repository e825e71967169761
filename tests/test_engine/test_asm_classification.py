"""ASMHook through an mmpretrain ImageClassifier in a real Runner, built
from the digits demo's configs, and the classification configs' early
errors (classes, target image, RAIN encoder tap)."""
import os.path as osp

import pytest
from mmengine.config import Config
from utils import logged_scalars, make_tiny_digits

from mmasm.utils import build_runner, mmasm_config_root

pytestmark = pytest.mark.usefixtures('one_torch_thread')


@pytest.fixture(scope='module')
def digits(tmp_path_factory):
    return make_tiny_digits(tmp_path_factory.mktemp('digits'))


def demo_config(name, digits, work_dir, **options):
    """A digits demo config pointed at the small pair, for 2 iterations."""
    cfg = Config.fromfile(osp.join(mmasm_config_root(), 'demo_digits', name))
    cfg.merge_from_dict({
        'train_dataloader.dataset.data_root': digits['root'],
        'val_dataloader.dataset.data_root': digits['root'],
        'test_dataloader.dataset.data_root': digits['root'],
        'train_cfg.max_iters': 2,
        'train_cfg.val_interval': 1000,
        'default_hooks.logger.interval': 1,
        'default_hooks.checkpoint.interval': 1000,
        'log_level': 'WARNING',
        **options
    })
    cfg.work_dir = str(work_dir)
    for hook in cfg.get('custom_hooks', []):
        hook.rain_checkpoint = digits['rain']
        if hook.get('target'):
            hook.target = digits['one_shot']
    return cfg


def test_asm_moves_eps_up_the_classifier_loss(tmp_path, digits):
    # lr 0: the classifier stays fixed, so the loss logged at each search
    # depth differs only by eps; each small ascent step must raise it.
    cfg = demo_config(
        'asm_digits.py', digits, tmp_path, **{
            'optim_wrapper.optimizer.lr': 0.0,
            'train_dataloader.batch_size': 4
        })
    cfg.custom_hooks[0].update(
        step_size=0.5, keep_source=False, vis_interval=0)
    runner = build_runner(cfg)
    runner.train()
    scalars = logged_scalars(tmp_path)
    depth = cfg.custom_hooks[0].search_depth
    assert depth == 5  # the paper's n for classification
    for it in (1, 2):
        losses = [scalars[it][f'asm_loss_depth{d}'] for d in range(depth)]
        assert all(b > a for a, b in zip(losses, losses[1:])), losses
        assert scalars[it]['asm_step_norm'] == pytest.approx(0.5)


def test_target_that_is_not_an_image_fails_before_training(tmp_path, digits):
    bad = tmp_path / 'one_shot.png'
    bad.write_text('not an image')
    cfg = demo_config('asm_digits.py', digits, tmp_path / 'work')
    cfg.custom_hooks[0].target = str(bad)
    with pytest.raises(Exception, match='one_shot.png'):
        build_runner(cfg)


def test_classifier_with_other_num_classes_fails_before_training(
        tmp_path, digits):
    cfg = demo_config('source-only_digits.py', digits, tmp_path,
                      **{'model.head.num_classes': 7})
    runner = build_runner(cfg)
    with pytest.raises(
            ValueError, match=r'model\.head\.num_classes=7 .* 10 classes'):
        runner.train()
    assert runner.iter == 0


def test_rain_checkpoint_with_another_encoder_tap_is_refused(tmp_path, digits):
    # the digits arms' RAIN taps relu2_1; a relu4_1 RAIN (the paper's) does not fit
    cfg = demo_config('asm_digits.py', digits, tmp_path / 'work')
    assert cfg.custom_hooks[0].rain.encoder_tap == 'relu2_1'
    cfg.custom_hooks[0].rain_checkpoint = digits['rain_relu4_1']
    with pytest.raises(
            ValueError, match=r'encoder ends at conv4_1.*taps relu2_1'):
        build_runner(cfg)

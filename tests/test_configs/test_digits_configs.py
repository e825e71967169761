"""The classification configs: every digits demo arm trains from
``tools/train.py`` (2 iterations, CPU), and the paper's one-shot digit
configs (Table 1) resolve with the paper's settings."""
import os.path as osp
import runpy
import sys

import pytest
from mmengine.config import Config
from utils import REPO_ROOT, make_tiny_digits

from mmasm.utils import load_tensor_file, mmasm_config_root

TRAIN_TOOL = REPO_ROOT / 'tools' / 'train.py'
DEMO_ARMS = ('source-only', 'random', 'anchored', 'asm', 'target-supervised')
PAPER_CONFIGS = {
    'resnet18_asm_1xb64-30k_mnist-to-svhn-1shot-64x64.py':
    ('MNIST', 'mmasm.SVHNDataset'),
    'resnet18_asm_1xb64-30k_usps-to-svhn-1shot-64x64.py':
    ('mmasm.USPSDataset', 'mmasm.SVHNDataset'),
    'resnet18_asm_1xb64-30k_mnist-to-usps-1shot-64x64.py':
    ('MNIST', 'mmasm.USPSDataset'),
}


@pytest.fixture(scope='module')
def digits(tmp_path_factory):
    return make_tiny_digits(tmp_path_factory.mktemp('digits'))


def config_file(*parts):
    return osp.join(mmasm_config_root(), *parts)


def arm_options(arm, digits):
    root = digits['root']
    options = [
        f'train_dataloader.dataset.data_root={root}',
        f'val_dataloader.dataset.data_root={root}',
        f'test_dataloader.dataset.data_root={root}',
        'train_dataloader.batch_size=4', 'train_cfg.max_iters=2',
        'train_cfg.val_interval=2', 'default_hooks.logger.interval=1'
    ]
    if arm not in ('source-only', 'target-supervised'):
        options += [
            f'custom_hooks.0.rain_checkpoint={digits["rain"]}',
            'custom_hooks.0.vis_interval=0'
        ]
    if arm in ('anchored', 'asm'):
        options.append(f'custom_hooks.0.target={digits["one_shot"]}')
    return options


@pytest.mark.parametrize('arm', DEMO_ARMS)
def test_digits_demo_arm_trains_from_tools_train(arm, digits, tmp_path,
                                                 monkeypatch, capsys):
    config = config_file('demo_digits', f'{arm}_digits.py')
    monkeypatch.setattr(sys, 'argv', [
        'train.py', config, '--work-dir',
        str(tmp_path), '--cfg-options', *arm_options(arm, digits)
    ])
    monkeypatch.setenv('LOCAL_RANK', '0')  # mmseg's parse_args sets it
    runpy.run_path(str(TRAIN_TOOL), run_name='__main__')
    state = load_tensor_file(str(tmp_path / 'iter_2.pth'))
    assert state['state_dict']['head.fc.weight'].shape == (10, 128)
    log = capsys.readouterr().out + ''.join(p.read_text()
                                            for p in tmp_path.glob('*/*.log'))
    assert 'accuracy/top1' in log
    assert ('asm_loss_depth4' in log) == (arm in ('random', 'anchored', 'asm'))


@pytest.mark.parametrize('name', PAPER_CONFIGS)
def test_paper_digit_configs_have_the_papers_settings(name):
    cfg = Config.fromfile(config_file('asm_cls', name))
    source, target = PAPER_CONFIGS[name]
    assert cfg.default_scope == 'mmpretrain'
    assert cfg.model.backbone.type == 'ResNet' and cfg.model.backbone.depth == 18
    assert cfg.model.head.num_classes == 10
    assert cfg.train_dataloader.dataset.type == source
    assert cfg.val_dataloader.dataset.type == target
    (hook, ) = cfg.custom_hooks
    assert hook.type == 'mmasm.ASMHook' and hook.search_depth == 5
    assert hook.keep_source and 2 * cfg.train_dataloader.batch_size == 64
    assert cfg.train_cfg.max_iters == 30000
    resize = [
        t for t in cfg.train_dataloader.dataset.pipeline if t.type == 'Resize'
    ]
    assert resize[0].scale == (64, 64)


def test_readme_example_mmpretrain_config_builds_mmasms_hook(digits, tmp_path):
    from mmengine.registry import HOOKS, DefaultScope

    from mmasm.engine.hooks import ASMHook
    from mmasm.registry import join_toolkit
    config = tmp_path / 'my_resnet_asm.py'
    config.write_text(f"""
_base_ = ['mmpretrain::resnet/resnet18_8xb16_cifar10.py', 'mmasm::_base_/asm/asm_cls.py']
custom_hooks = [dict(_base_.asm_cls_hook, target='{digits["one_shot"]}',
                     rain_checkpoint='{digits["rain_relu4_1"]}')]
""")
    cfg = Config.fromfile(str(config))
    assert cfg.default_scope == 'mmpretrain' and cfg.model.type == 'ImageClassifier'
    join_toolkit('mmpretrain')
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        hook = HOOKS.build(cfg.custom_hooks[0])  # what the Runner does
    assert isinstance(hook, ASMHook) and hook.search_depth == 5

"""Every ASM config builds; the "add ASM to your config" one trains."""
import sys
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from utils import REPO_ROOT, finish_tool, start_tool

from mmasm.engine.hooks import ASMHook
from mmasm.models import RAIN
from mmasm.registry import HOOKS, MODELS
from tools.convert_datasets import gta5 as convert_gta5

CONFIGS = sorted((REPO_ROOT / 'configs' / 'asm').glob('*.py'))
FROM_MMSEG = (
    REPO_ROOT / 'configs/asm' /
    'segformer_mit-b0_asm_gta5-to-cityscapes-1shot_from-mmseg-config'
    '.py')


@pytest.fixture(scope='module')
def rain_checkpoint(tmp_path_factory):
    torch.manual_seed(0)
    path = tmp_path_factory.mktemp('rain') / 'rain.pth'
    torch.save(RAIN(vae_depth=3).state_dict(), path)
    return str(path)


def without_downloads(model_cfg):
    model_cfg.pretrained = None
    model_cfg.backbone.init_cfg = None
    return model_cfg


@pytest.fixture(scope='module')
def built_models():
    init_default_scope('mmasm')
    return {}


@pytest.mark.parametrize('config', CONFIGS, ids=lambda p: p.stem)
def test_config_builds_model_and_hooks(config, rain_checkpoint,
                                       cityscapes_root, built_models):
    cfg = Config.fromfile(str(config))
    key = cfg.model.backbone.type, cfg.model.backbone.get(
        'depth'), cfg.model.backbone.get('num_layers')
    if str(key) not in built_models:  # one build per distinct segmentor
        built_models[str(key)] = MODELS.build(without_downloads(cfg.model))
    assert type(built_models[str(key)]).__name__ == 'ASMEncoderDecoder'

    target = str(next(cityscapes_root.glob('leftImg8bit/train/*/*.png')))
    hooks = [
        HOOKS.build(dict(h, rain_checkpoint=rain_checkpoint, target=target))
        for h in cfg.custom_hooks
    ]
    arm = next(
        (a for a in ('source-only', 'anchored', 'random') if a in config.stem),
        'asm')
    if arm == 'source-only':
        assert hooks == []
    else:
        (hook, ) = hooks
        assert isinstance(hook, ASMHook)
        assert (hook.mining.sampling, hook.search_depth) == (arm, 2)


def test_add_asm_to_an_unmodified_mmseg_config_in_ten_lines():
    code = [
        line for line in FROM_MMSEG.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith('#')
    ]
    assert len(code) <= 10
    cfg = Config.fromfile(str(FROM_MMSEG))
    assert cfg.model.backbone.type == 'MixVisionTransformer'  # from mmseg's file
    assert cfg.custom_hooks[0].type == 'ASMHook'


TINY_CHILD = """
_base_ = [{base!r}]
crop = (32, 32)
model = dict(data_preprocessor=dict(size=crop), backbone=dict(init_cfg=None),
             test_cfg=dict(mode='whole'))
train_dataloader = dict(batch_size=2, num_workers=0, persistent_workers=False, dataset=dict(
    data_root={gta5!r},
    pipeline=[dict(type='LoadImageFromFile'), dict(type='LoadAnnotations'),
              dict(type='RandomResize', scale=(64, 32), ratio_range=(1.0, 1.5), keep_ratio=True),
              dict(type='RandomCrop', crop_size=crop), dict(type='PackSegInputs')]))
val_dataloader = dict(num_workers=0, persistent_workers=False, dataset=dict(
    data_root={cityscapes!r},
    pipeline=[dict(type='LoadImageFromFile'), dict(type='LoadAnnotations'),
              dict(type='PackSegInputs')]))
test_dataloader = val_dataloader
custom_hooks = [dict(_base_.custom_hooks[0], rain_checkpoint={rain!r}, target={target!r},
                     vis_interval=1)]
train_cfg = dict(max_iters=2, val_interval=2)
default_hooks = dict(checkpoint=dict(interval=2), logger=dict(interval=1))
"""


def test_from_mmseg_config_trains_two_iterations(tmp_path, gta5_root,
                                                 cityscapes_root,
                                                 rain_checkpoint):
    convert_gta5.main([str(gta5_root), '--nproc', '1'])  # train ids
    target = next(cityscapes_root.glob('leftImg8bit/train/*/*.png'))
    child = tmp_path / 'tiny_from_mmseg.py'
    child.write_text(
        TINY_CHILD.format(
            base=str(FROM_MMSEG),
            gta5=str(gta5_root),
            cityscapes=str(cityscapes_root),
            rain=rain_checkpoint,
            target=str(target)))
    work_dir = tmp_path / 'work'
    train = start_tool([
        sys.executable, REPO_ROOT / 'tools/train.py', child, '--work-dir',
        work_dir
    ], tmp_path / 'train.log')
    finish_tool(train, tmp_path / 'train.log')
    log = (tmp_path / 'train.log').read_text()
    assert 'asm_loss_depth0' in log and 'asm_loss_depth1' in log
    assert 'mIoU' in log
    assert (work_dir / 'iter_2.pth').is_file()
    assert list(Path(work_dir).glob('*/vis_data/vis_image/asm_search_*.png'))

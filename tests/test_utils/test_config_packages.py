"""``mmseg::`` (onedl packages) and ``mmasm::`` bases, mmasm imported."""
import os.path as osp
from importlib import metadata

import pytest
from mmengine.config import Config
from mmengine.config.utils import MODULE2PACKAGE
from mmengine.model import is_model_wrapper
from mmengine.utils import get_installed_path

import mmseg
from mmasm.engine.runners import CPUDistRunner
from mmasm.utils import (build_runner, config_packages, mmasm_config_root,
                         register_config_packages)
from utils import REPO_ROOT, TINY_SEGFORMER_CFG, data_root_overrides

SEGFORMER = 'segformer/segformer_mit-b0_8xb1-160k_cityscapes-1024x1024.py'


def write_config(tmp_path, text):
    path = tmp_path / 'config.py'
    path.write_text(text)
    return Config.fromfile(str(path))


def test_mmseg_maps_to_the_installed_distribution():
    distribution = MODULE2PACKAGE['mmseg']
    metadata.version(distribution)  # raises if not installed
    assert get_installed_path(distribution) == osp.dirname(mmseg.__file__)


def test_mmseg_and_mmasm_bases_load_together(tmp_path):
    cfg = write_config(
        tmp_path, f"""
_base_ = ['mmseg::{SEGFORMER}', 'mmasm::_base_/runtime/cpu_dist.py']
model = dict(decode_head=dict(num_classes=7))
""")
    assert cfg.model.type == 'EncoderDecoder'
    assert cfg.model._scope_ == 'mmseg'
    assert cfg.model.backbone.type == 'MixVisionTransformer'
    assert cfg.model.backbone.embed_dims == 32  # MiT-B0
    assert cfg.model.decode_head.num_classes == 7  # child overrides base
    assert cfg.train_dataloader.dataset.type == 'CityscapesDataset'
    assert cfg.crop_size == (1024, 1024)
    installed = osp.join(osp.dirname(mmseg.__file__), '.mim', 'configs')
    assert osp.join(installed, SEGFORMER) in cfg.text
    assert cfg.runner_type == 'CPUDistRunner'


def test_mmasm_base_loads_from_the_repo_configs_in_mmseg_scope(tmp_path):
    cfg = write_config(
        tmp_path, """
_base_ = ['mmasm::_base_/default_runtime.py',
          'mmasm::_base_/runtime/cpu_dist.py']
""")
    assert cfg.custom_imports.imports == ['mmasm']
    assert cfg.default_scope == 'mmseg'
    assert cfg.runner_type == 'CPUDistRunner'
    assert cfg.visualizer._scope_ == 'mmseg'  # mmasm registers into mmseg
    assert str(REPO_ROOT / 'configs' / '_base_' / 'default_runtime.py') \
        in cfg.text


def test_cpu_dist_piece_builds_a_runner_like_runner(tmp_path):
    cfg = write_config(
        tmp_path, f"""
_base_ = [{str(TINY_SEGFORMER_CFG)!r}, 'mmasm::_base_/runtime/cpu_dist.py']
work_dir = {str(tmp_path / 'work_dir')!r}
""")
    cfg.merge_from_dict(data_root_overrides(tmp_path))
    runner = build_runner(cfg)
    assert type(runner) is CPUDistRunner
    assert not runner.distributed
    assert not is_model_wrapper(runner.model)  # not distributed: as Runner
    assert not any(
        type(module).__name__ == 'SyncBatchNorm'
        for module in runner.model.modules())
    assert runner.visualizer.__class__.__name__ == 'SegLocalVisualizer'


def test_missing_mmasm_base_names_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='mmasm::_base_/nothing.py'):
        write_config(tmp_path, "_base_ = ['mmasm::_base_/nothing.py']\n")


def test_register_config_packages_is_idempotent():
    patched = Config._get_cfg_path
    register_config_packages()
    register_config_packages()
    assert Config._get_cfg_path is patched
    assert patched.__wrapped__ is not patched


def test_config_root_prefers_packaged_configs(tmp_path, monkeypatch):
    assert mmasm_config_root() == str(REPO_ROOT / 'configs')
    packaged = tmp_path / 'mmasm' / '.mim' / 'configs'
    packaged.mkdir(parents=True)
    monkeypatch.setattr(config_packages, 'PACKAGE_DIR',
                        str(tmp_path / 'mmasm'))
    assert mmasm_config_root() == str(packaged)


def test_config_root_missing_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(config_packages, 'PACKAGE_DIR',
                        str(tmp_path / 'mmasm'))
    with pytest.raises(FileNotFoundError, match='mmasm configs not found'):
        mmasm_config_root()

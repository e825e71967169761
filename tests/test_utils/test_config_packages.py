"""``mmseg::`` (onedl packages) and ``mmasm::`` bases through mmengine's own
lookup, after the explicit ``register_config_packages()`` (conftest makes it,
as mmasm's tools do); importing mmasm alone changes nothing in mmengine."""
import os.path as osp
import subprocess
import sys
from importlib import metadata

import mmseg
import pytest
from mmengine.config import Config
from mmengine.config.utils import MODULE2PACKAGE
from mmengine.model import is_model_wrapper
from mmengine.utils import get_installed_path
from utils import REPO_ROOT, TINY_SEGFORMER_CFG, data_root_overrides

from mmasm.engine.runners import CPUDistRunner
from mmasm.utils import (build_runner, mmasm_config_root,
                         register_config_packages)

SEGFORMER = 'segformer/segformer_mit-b0_8xb1-160k_cityscapes-1024x1024.py'


def write_config(tmp_path, text):
    path = tmp_path / 'config.py'
    path.write_text(text)
    return Config.fromfile(str(path))


def test_importing_mmasm_changes_nothing_in_mmengine():
    probe = (
        'from mmengine.config import Config\n'
        'from mmengine.config.utils import MODULE2PACKAGE\n'
        'before = (dict(MODULE2PACKAGE), Config.__dict__["_get_cfg_path"])\n'
        'import mmasm, mmasm.apis, mmasm.demo\n'
        'after = (dict(MODULE2PACKAGE), Config.__dict__["_get_cfg_path"])\n'
        'assert before == after, (before, after)\n')
    subprocess.run([sys.executable, '-c', probe], check=True)


def test_mmseg_maps_to_the_installed_distribution():
    distribution = MODULE2PACKAGE['mmseg']
    metadata.version(distribution)  # raises if not installed
    assert get_installed_path(distribution) == osp.dirname(mmseg.__file__)
    assert MODULE2PACKAGE['mmasm'] == 'mmasm'


def test_mmseg_and_mmasm_bases_load_together(tmp_path):
    cfg = write_config(
        tmp_path, f"""
_base_ = ['mmseg::{SEGFORMER}', 'mmasm::_base_/runtime/cpu_dist.py']
model = dict(decode_head=dict(num_classes=7))
""")
    assert cfg.model.type == 'EncoderDecoder'
    assert cfg.model._scope_ == 'mmseg'
    assert cfg.model.backbone.embed_dims == 32  # MiT-B0
    assert cfg.model.decode_head.num_classes == 7  # child overrides base
    assert cfg.train_dataloader.dataset.type == 'CityscapesDataset'
    installed = osp.join(osp.dirname(mmseg.__file__), '.mim', 'configs')
    assert osp.join(installed, SEGFORMER) in cfg.text
    assert cfg.runner_type == 'mmasm.CPUDistRunner'


def test_mmasm_base_loads_from_the_package_configs_in_mmasm_scope(tmp_path):
    cfg = write_config(tmp_path,
                       "_base_ = ['mmasm::_base_/default_runtime.py']\n")
    assert cfg.default_scope == 'mmasm'
    assert 'custom_imports' not in cfg  # the registry nodes import their modules
    assert cfg.visualizer._scope_ == 'mmasm'  # a scope with real registry nodes
    packaged = osp.join(mmasm_config_root(), '_base_', 'default_runtime.py')
    assert packaged in cfg.text
    assert osp.realpath(packaged) == str(REPO_ROOT / 'configs' / '_base_' /
                                         'default_runtime.py')


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
    with pytest.raises(FileNotFoundError, match='_base_/nothing.py'):
        write_config(tmp_path, "_base_ = ['mmasm::_base_/nothing.py']\n")


def test_register_config_packages_is_idempotent_and_patches_no_function():
    lookup = Config.__dict__['_get_cfg_path']
    register_config_packages()
    table = dict(MODULE2PACKAGE)
    register_config_packages()
    assert dict(MODULE2PACKAGE) == table
    assert Config.__dict__['_get_cfg_path'] is lookup

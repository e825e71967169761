"""Every self-training config builds its model and its datasets (on tiny data
in the expected layouts); the "add self-training to your config" one is at
most ten lines over mmseg's own file."""
import shutil

import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope
from utils import REPO_ROOT, write_cityscapes, write_gta5

from mmasm.datasets import compute_class_stats, save_class_stats
from mmasm.datasets.gta5 import convert_label_dir, gta5_label_to_train_ids
from mmasm.registry import DATASETS, MODELS

CONFIGS = sorted(
    p for folder in ('dacs', 'daformer', 'mic')
    for p in (REPO_ROOT / 'configs' / folder).glob('*.py')
    if 'hrda' not in p.stem)  # HRDA's: test_hrda_configs.py
FROM_MMSEG = REPO_ROOT / 'configs/daformer/daformer_mit-b0_gta5-to-cityscapes_from-mmseg-config.py'


@pytest.fixture(scope='module')
def data_roots(tmp_path_factory):
    """The configs' data roots, as tiny copies: GTA5, SYNTHIA (GTA5's files
    in SYNTHIA's layout) and Cityscapes, each with class statistics."""
    root = tmp_path_factory.mktemp('self_training_configs')
    write_gta5(root / 'gta5', num_images=3, seed=2)
    convert_label_dir(str(root / 'gta5' / 'labels'), gta5_label_to_train_ids)
    (root / 'synthia' / 'GT').mkdir(parents=True)
    shutil.copytree(root / 'gta5' / 'images', root / 'synthia' / 'RGB')
    shutil.copytree(root / 'gta5' / 'labels',
                    root / 'synthia' / 'GT' / 'LABELS')
    write_cityscapes(root / 'cityscapes', 'train', num_images=2, seed=0)
    write_cityscapes(root / 'cityscapes', 'val', num_images=1, seed=1)
    return {
        f'data/{name}/': f'{root / name}/'
        for name in ('gta5', 'synthia', 'cityscapes')
    }


def relocated(value, roots):
    """``value`` with every data root under ``data/`` moved to ``roots``."""
    if isinstance(value, dict):
        return {k: relocated(v, roots) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(relocated(v, roots) for v in value)
    if isinstance(value, str):
        for old, new in roots.items():
            if value.startswith(old):
                return new + value[len(old):]
    return value


def build_train_dataset(cfg, roots):
    dataset = relocated(cfg.train_dataloader.dataset.to_dict(), roots)
    if dataset.get('rare_class_sampling'):
        source = DATASETS.build(dict(dataset['source'], pipeline=[]))
        save_class_stats(f'{source.data_root}/sample_class_stats.json', source,
                         compute_class_stats(source))
        dataset['rare_class_sampling']['min_pixels'] = 10  # tiny images
    return DATASETS.build(dataset)


@pytest.fixture(scope='module')
def built_models():
    return {}


@pytest.mark.parametrize('config', CONFIGS, ids=lambda p: p.stem)
def test_config_builds_model_and_datasets(config, data_roots, built_models):
    init_default_scope('mmasm')
    cfg = Config.fromfile(str(config))
    model_cfg = cfg.model
    model_cfg.pretrained = None
    model_cfg.backbone.init_cfg = None
    key = str((model_cfg.backbone.type, model_cfg.backbone.get('num_layers'),
               model_cfg.decode_head.type, 'imnet_feature_dist' in model_cfg))
    if key not in built_models:  # one build per distinct network
        built_models[key] = MODELS.build(model_cfg)
    model = built_models[key]
    assert type(model).__name__ == 'DACS'
    assert cfg.model_wrapper_cfg.type == 'MMSeparateDistributedDataParallel'
    assert cfg.train_dataloader.sampler.type.endswith('SeededInfiniteSampler')
    assert cfg.model.data_preprocessor.size == (512, 512)
    assert ('mic' in cfg.model) == config.stem.startswith('mic')
    daformer = 'daformer' in config.stem
    assert cfg.model.alpha == (0.999 if daformer else 0.99)
    assert (model.feature_distance is not None) == daformer

    dataset = build_train_dataset(cfg, data_roots)
    assert type(dataset).__name__ == 'UDADataset'
    assert (dataset.rcs is not None) == daformer
    assert type(dataset.source).__name__ == ('SYNTHIADataset' if 'synthia'
                                             in config.stem else 'GTA5Dataset')
    target_paths = [
        dataset.target.get_data_info(i)['img_path']
        for i in range(len(dataset.target))
    ]
    if '1shot' in config.stem:
        assert [p.split('/')[-1] for p in target_paths
                ] == ['aachen_000000_000019_leftImg8bit.png']
    else:
        assert len(target_paths) == 2
    val = DATASETS.build(
        relocated(cfg.val_dataloader.dataset.to_dict(), data_roots))
    assert len(val) == 1


def test_add_self_training_to_an_unmodified_mmseg_config_in_ten_lines():
    code = [
        line for line in FROM_MMSEG.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith('#')
    ]
    assert len(code) <= 10
    cfg = Config.fromfile(str(FROM_MMSEG))
    assert cfg.model.backbone.embed_dims == 32  # mmseg's MiT-B0 file
    assert cfg.model.type == 'mmasm.DACS' and cfg.model.decode_head.type == 'SegformerHead'
    assert cfg.train_dataloader.dataset.type == 'mmasm.UDADataset'
    assert cfg.train_dataloader.batch_size == 2

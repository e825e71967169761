"""Every HRDA config (HRDA, MIC on HRDA, one-shot, HRDA + DATUM, HRDA on an
unmodified mmseg config) holds the authors' recipe and, with a tiny
backbone and tiny images in the datasets' layouts, trains two iterations
and validates through the real Runner."""
import inspect
import shutil
from pathlib import Path

import pytest
from mmengine.config import Config
from mmengine.runner import Runner
from test_self_training_configs import relocated
from utils import REPO_ROOT, TINY_SEGFORMER_CFG, write_cityscapes, write_gta5

from mmasm.datasets import compute_class_stats, save_class_stats
from mmasm.datasets.gta5 import convert_label_dir, gta5_label_to_train_ids
from mmasm.registry import DATASETS

pytestmark = pytest.mark.usefixtures('one_torch_thread')
CONFIGS = sorted({
    p
    for pattern in ('hrda/*.py', '*/*hrda*.py')
    for p in (REPO_ROOT / 'configs').glob(pattern) if '_base_' not in p.parts
})
FROM_MMSEG = 'hrda_mit-b0_gta5-to-cityscapes_from-mmseg-config'
SIZE = (64, 128)  # tiny images: 64x64 crops, 32x32 detail crops


@pytest.fixture(scope='module')
def data_roots(tmp_path_factory):
    """GTA5, SYNTHIA, Cityscapes and DATUM's generated folder, tiny, with
    the sources' class statistics."""
    root = tmp_path_factory.mktemp('hrda_configs')
    write_gta5(root / 'gta5', num_images=2, size=SIZE, seed=2)
    convert_label_dir(str(root / 'gta5' / 'labels'), gta5_label_to_train_ids)
    (root / 'synthia' / 'GT').mkdir(parents=True)
    shutil.copytree(root / 'gta5' / 'images', root / 'synthia' / 'RGB')
    shutil.copytree(root / 'gta5' / 'labels',
                    root / 'synthia' / 'GT' / 'LABELS')
    write_cityscapes(root / 'cityscapes', 'train', num_images=2, size=SIZE)
    write_cityscapes(
        root / 'cityscapes', 'val', num_images=1, size=SIZE, seed=1)
    write_cityscapes(
        root / 'datum',
        'train',
        num_images=2,
        size=(32, 32),
        city='datum',
        seed=3)
    return {
        f'data/{name}/': f'{root / name}/'
        for name in ('gta5', 'synthia', 'cityscapes', 'datum')
    }


def tiny_transform(transform: dict) -> dict:
    kind = transform['type'].split('.')[-1]
    if kind == 'Resize':
        scale = SIZE[::-1] if transform.get('keep_ratio') else (64, 64)
        return dict(transform, scale=scale)
    if kind == 'RandomCrop':
        return dict(transform, crop_size=(64, 64))
    if kind == 'PseudoLabelMargins':
        return dict(transform, margins=(2, 8, 2, 2))
    return transform


def tiny_pipelines(value):
    if isinstance(value, dict):
        if 'pipeline' in value:
            value = dict(
                value, pipeline=[tiny_transform(t) for t in value['pipeline']])
        return {k: tiny_pipelines(v) for k, v in value.items()}
    return value


def tiny_overrides(cfg: Config, roots: dict, work_dir) -> Config:
    """The config with the tiny MiT, 32x32 detail crops of 64x64 crops,
    tiny pipelines and data, 2 iterations and a validation."""
    tiny = Config.fromfile(str(TINY_SEGFORMER_CFG)).model
    model = cfg.model
    model.backbone = tiny.backbone
    model.pretrained = None
    head = model.decode_head.single_scale_head
    head.update(
        in_channels=[8, 16],
        in_index=[0, 1],
        channels=16,
        norm_cfg=dict(type='BN', requires_grad=True))
    if head.type.endswith('DAFormerHead'):
        head.update(embed_dims=16, dilations=(1, 2))
    model.decode_head.attention_embed_dim = 8
    model.update(hr_crop_size=(32, 32), vis_interval=0)
    model.data_preprocessor.size = (64, 64)
    model.test_cfg.update(crop_size=(64, 64), stride=(32, 32))
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = relocated(tiny_pipelines(cfg[name].to_dict()), roots)
        cfg[name] = dict(loader, num_workers=0, persistent_workers=False)
    rcs = cfg.train_dataloader.dataset.get('rare_class_sampling')
    if rcs:
        rcs['min_pixels'] = 10
        source = DATASETS.build(
            dict(cfg.train_dataloader.dataset.source, pipeline=[]))
        save_class_stats(f'{source.data_root}/sample_class_stats.json', source,
                         compute_class_stats(source))
    cfg.train_cfg = dict(
        type='IterBasedTrainLoop', max_iters=2, val_interval=2)
    cfg.default_hooks.checkpoint = dict(
        type='CheckpointHook', interval=100, save_last=False)
    cfg.default_hooks.logger = dict(type='LoggerHook', interval=1)
    cfg.env_cfg = dict(cudnn_benchmark=False, dist_cfg=dict(backend='gloo'))
    cfg.work_dir, cfg.log_level = str(work_dir), 'WARNING'
    return cfg


def runner_of(cfg: Config) -> Runner:
    """``Runner.from_cfg`` without the config object: the same arguments,
    minus the yapf formatting of the whole config that the runner logs and
    dumps (seconds per call on a shared CPU). Each test's runner has its own
    experiment name: mmengine would name it by the second it starts, and a
    runner named as an earlier one logs into that one's folder."""
    names = set(inspect.signature(Runner.__init__).parameters)
    names -= {'self', 'cfg', 'experiment_name'}
    kwargs = {k: cfg[k] for k in names if k in cfg}
    return Runner(experiment_name=Path(cfg.work_dir).name, **kwargs)


def test_the_configs_hold_the_authors_recipe():
    names = {p.stem for p in CONFIGS}
    assert {
        'hrda_mit-b5_1xb2-40k_gta5-to-cityscapes-1024x1024',
        'hrda_mit-b5_1xb2-40k_synthia-to-cityscapes-1024x1024',
        'hrda_mit-b5_1xb2-40k_gta5-to-cityscapes-1shot-1024x1024',
        'mic-hrda_mit-b5_1xb2-40k_gta5-to-cityscapes-1024x1024',
        'hrda_mit-b5_datum_1xb2-40k_gta5-to-cityscapes-1shot-1024x1024',
        FROM_MMSEG
    } <= names
    for path in CONFIGS:
        cfg = Config.fromfile(str(path))
        model, data = cfg.model, cfg.train_dataloader
        assert model.segmentor_type.endswith('HRDAEncoderDecoder')
        assert (model.scales, model.hr_crop_size) == ([0.5, 1.0], (512, 512))
        assert (model.crop_coord_divisible, model.feature_scale) == (8, 0.5)
        assert model.decode_head.hr_loss_weight == 0.1
        assert model.decode_head.lr_loss_weight == 0.0
        loss = model.decode_head.single_scale_head.loss_decode
        assert not loss.get('avg_non_ignore', False)  # as mmseg 0.x averaged
        assert model.test_cfg.crop_size == (1024, 1024)
        assert model.test_cfg.stride == (512, 512)
        assert model.alpha == 0.999 and model.imnet_feature_dist
        assert model.pseudo_weight_ignore_bottom == 0
        assert ('mic' in model) == path.stem.startswith('mic')
        assert model.data_preprocessor.size == (1024, 1024)
        assert data.batch_size == 2
        assert data.dataset.rare_class_sampling.min_crop_ratio == 2.0
        target = [
            t['type'].split('.')[-1] for t in data.dataset.target.pipeline
        ]
        assert ('PseudoLabelMargins' in target) == ('datum' not in path.stem)
    code = [
        line for line in (REPO_ROOT / 'configs' / 'hrda' /
                          f'{FROM_MMSEG}.py').read_text().splitlines()
        if line.strip() and not line.lstrip().startswith('#')
    ]
    assert len(code) <= 10


@pytest.mark.parametrize('config', CONFIGS, ids=lambda p: p.stem)
def test_config_trains_two_iterations_and_validates(config, data_roots,
                                                    tmp_path):
    cfg = tiny_overrides(Config.fromfile(str(config)), data_roots, tmp_path)
    runner = runner_of(cfg)
    runner.train()
    model = runner.model
    assert int(model.ema_steps) == 2
    assert int(
        model.segmentor_module.crop_draws) == (6 if 'mic' in cfg.model else 4)
    scalars = (tmp_path / runner.timestamp / 'vis_data' / 'scalars.json')
    text = scalars.read_text()
    assert 'decode.hr.loss_ce' in text and ('mIoU' in text)

"""DATUM end to end on a tiny random Stable Diffusion, through the tools:
personalise -> generate -> two self-training iterations (mmasm's DACS, the
real Runner) on the generated folder as the unlabelled target set."""
import importlib.util
import json
import os

import pytest
import torch
from mmengine.config import Config
from utils import (REPO_ROOT, TINY_SEGFORMER_CFG, tiny_datum_config,
                   write_cityscapes, write_gta5, write_rgb_image,
                   write_tiny_sd_pipeline)

from mmasm.apis import load_personalized
from mmasm.datasets.gta5 import convert_label_dir, gta5_label_to_train_ids
from mmasm.models.datum import IMAGE_DIR, LORA_WEIGHTS_NAME, load_pipeline
from mmasm.utils import build_runner

pytestmark = pytest.mark.usefixtures('one_torch_thread')
DATUM_DAFORMER = (
    REPO_ROOT / 'configs/datum/'
    'daformer_mit-b5_datum_1xb2-40k_gta5-to-cityscapes-1shot-512x512.py')


def tool(name):
    """``tools/<name>.py`` as a module (its ``main(argv)`` runs it in this
    process)."""
    spec = importlib.util.spec_from_file_location(
        name, REPO_ROOT / 'tools' / f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def datum_run(tmp_path_factory):
    """The tiny model, a one-shot image and the tiny DATUM config file."""
    root = tmp_path_factory.mktemp('datum_e2e')
    write_tiny_sd_pipeline(root / 'sd')
    write_rgb_image(root / 'target.png')
    cfg = tiny_datum_config(root / 'sd', root / 'target.png', root / 'work',
                            root / 'datum')
    cfg.dump(str(root / 'datum_cfg.py'))
    return root


TINY_DATUM_DACS = """
_base_ = [{tiny!r}, {uda!r}]
model = dict(_base_.dacs, type='DACS', alpha=0.9)
train_dataloader = dict(_delete_=True, batch_size=2, num_workers=0, persistent_workers=False,
    sampler=dict(type='SeededInfiniteSampler', shuffle=True),
    dataset=dict(type='UDADataset',
        source=dict(type='GTA5Dataset', data_root={gta5!r},
                    data_prefix=dict(img_path='images', seg_map_path='labels'),
                    pipeline=[dict(type='LoadImageFromFile'), dict(type='LoadAnnotations'),
                              dict(type='RandomCrop', crop_size=(32, 32)),
                              dict(type='PackSegInputs')]),
        target={target!r}))
val_dataloader = dict(dataset=dict(data_root={cityscapes!r}))
test_dataloader = val_dataloader
train_cfg = dict(max_iters=2, val_interval=1000)
default_hooks = dict(checkpoint=dict(interval=2))
"""


def datum_target(data_root):
    """The DATUM self-training config's target set, read from ``data_root``
    (the generated folder) with 32x32 crops."""
    target = Config.fromfile(
        str(DATUM_DAFORMER)).train_dataloader.dataset.target.to_dict()
    assert target['data_root'] == 'data/datum/leftImg8bit/train/datum'
    target['data_root'] = str(data_root / IMAGE_DIR)
    crop, = [t for t in target['pipeline'] if t['type'] == 'RandomCrop']
    crop['crop_size'] = (32, 32)
    return target


def test_personalise_generate_and_self_train(datum_run, tmp_path):
    root = datum_run
    last = tool('datum_personalize').main([str(root / 'datum_cfg.py')])
    assert last == str(root / 'work' / 'checkpoint-4')
    assert sorted(
        p for p in os.listdir(root / 'work')
        if p.startswith('checkpoint')) == ['checkpoint-2', 'checkpoint-4']
    info = json.loads(
        (root / 'work' / 'checkpoint-2' / 'datum_checkpoint.json').read_text())
    assert info == dict(
        step=2,
        lora=False,
        model_dir=str(root / 'sd'),
        instance_prompt='a photo of a sks urban scene')
    assert 'step 3/4: loss' in (root / 'work' / 'personalize.log').read_text()

    out_dir = tool('datum_generate').main([str(root / 'datum_cfg.py')])
    assert out_dir == str(root / 'datum')
    images = sorted(os.listdir(root / 'datum' / IMAGE_DIR))
    assert len(images) == 12 and all(
        i.endswith('_leftImg8bit.png') for i in images)
    prompts = json.loads((root / 'datum' / 'prompts.json').read_text())
    assert prompts['settings']['checkpoint'] == str(root / 'work' /
                                                    'checkpoint-4')
    assert (root / 'datum' / 'contact_sheet.png').stat().st_size > 0

    write_gta5(tmp_path / 'gta5', num_images=2, seed=2)
    convert_label_dir(
        str(tmp_path / 'gta5' / 'labels'), gta5_label_to_train_ids)
    write_cityscapes(tmp_path / 'cityscapes', 'val', num_images=1, seed=1)
    config = tmp_path / 'dacs_datum.py'
    config.write_text(
        TINY_DATUM_DACS.format(
            tiny=str(TINY_SEGFORMER_CFG),
            uda=str(REPO_ROOT / 'configs/_base_/uda/dacs.py'),
            gta5=str(tmp_path / 'gta5'),
            target=datum_target(root / 'datum'),
            cityscapes=str(tmp_path / 'cityscapes')))
    cfg = Config.fromfile(str(config))
    cfg.work_dir = str(tmp_path / 'self_training')
    runner = build_runner(cfg)
    assert len(runner.train_dataloader.dataset.target) == 12
    runner.train()
    (log, ) = (tmp_path / 'self_training').glob('*/vis_data/scalars.json')
    records = [json.loads(line) for line in log.read_text().splitlines()]
    train = [r for r in records if 'iter' in r]
    assert [r['iter']
            for r in train] == [1, 2] and 'mix.decode.loss_ce' in train[1]
    assert 'mIoU' in records[-1]
    assert (tmp_path / 'self_training' / 'iter_2.pth').exists()


def test_lora_personalisation_saves_adapters_that_generation_loads(
        datum_run, tmp_path):
    root = datum_run
    cfg = Config.fromfile(str(root / 'datum_cfg.py'))
    cfg.personalize.lora = dict(rank=2, alpha=2)
    cfg.personalize.optimizer.lr = 1e-2
    cfg.generate.update(num_images=2, checkpoint_step=2)
    cfg.dump(str(tmp_path / 'lora_cfg.py'))
    tool('datum_personalize').main(
        [str(tmp_path / 'lora_cfg.py'), '--work-dir',
         str(tmp_path / 'work')])
    assert sorted(os.listdir(tmp_path / 'work' / 'checkpoint-2')) == [
        'datum_checkpoint.json', LORA_WEIGHTS_NAME
    ]
    pipeline = load_personalized(
        str(tmp_path / 'work' / 'checkpoint-2'), torch.float32, 'cpu')
    base = load_pipeline(str(
        root / 'sd'))  # LoRA fused: only attention projections moved
    changed = [
        name for (name, a), b in zip(pipeline.unet.named_parameters(),
                                     base.unet.parameters())
        if not torch.equal(a, b)
    ]
    assert changed and {n.rsplit('.', 2)[-2]
                        for n in changed} <= {'to_q', 'to_k', 'to_v', '0'}
    tool('datum_generate').main([
        str(tmp_path / 'lora_cfg.py'), '--work-dir',
        str(tmp_path / 'work'), '--out-dir',
        str(tmp_path / 'gen')
    ])
    assert len(os.listdir(tmp_path / 'gen' / IMAGE_DIR)) == 2


def test_a_hub_id_fails_before_anything_is_written(datum_run, tmp_path):
    with pytest.raises(
            FileNotFoundError, match='huggingface-cli download CompVis'):
        tool('datum_personalize').main([
            str(datum_run / 'datum_cfg.py'), '--work-dir',
            str(tmp_path / 'work'), '--cfg-options',
            'model_dir=CompVis/stable-diffusion-v1-4'
        ])
    assert not (tmp_path / 'work').exists()
    with pytest.raises(
            FileNotFoundError, match='datum_checkpoint.json not found'):
        tool('datum_generate').main([
            str(datum_run / 'datum_cfg.py'), '--work-dir',
            str(tmp_path / 'work')
        ])

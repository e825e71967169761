"""DATUM's configs: the authors' personalisation and generation settings,
and the self-training configs reading the generated folder (DAFormer MiT-B5
and DeepLab-v2 R101)."""
import cv2
import numpy as np
import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope
from utils import REPO_ROOT

from mmasm.registry import DATASETS, MODELS

DATUM = REPO_ROOT / 'configs' / 'datum'
STAGES = DATUM / 'datum_sd-v1-4_dreambooth-1k_cityscapes-1shot.py'
LORA = DATUM / 'datum_sd-v1-4_lora-dreambooth-1k_cityscapes-1shot.py'
MIT_B5 = DATUM / 'daformer_mit-b5_datum_1xb2-40k_gta5-to-cityscapes-1shot-512x512.py'
R101 = DATUM / 'daformer_deeplabv2red-r101-v1c_datum_1xb2-40k_gta5-to-cityscapes-1shot-512x512.py'
DAFORMER = REPO_ROOT / 'configs/daformer/daformer_mit-b5_1xb2-40k_gta5-to-cityscapes-512x512.py'


def test_stage_configs_hold_the_authors_settings():
    cfg = Config.fromfile(str(STAGES))
    assert cfg.model_dir == 'checkpoints/stable-diffusion-v1-4'
    p = cfg.personalize
    assert p.instance_prompt == 'a photo of a sks urban scene'
    assert (p.resize_short_side, p.crop_size, p.batch_size) == (1024, 512, 1)
    assert p.optimizer == dict(
        type='AdamW', lr=5e-6, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2)
    assert (p.max_grad_norm, p.max_steps, p.checkpoint_interval) == (1.0, 1000,
                                                                     200)
    assert p.train_text_encoder and p.lora is None
    g = cfg.generate
    assert (g.num_images, g.height, g.width, g.num_inference_steps,
            g.guidance_scale) == (2975, 512, 512, 50, 7.5)
    assert g.checkpoint_step == 200 and g.dtype == 'float16' and g.scheduler is None
    assert [g.template.format(c) for c in g.classes[:3]] == [
        'a photo of sks traffic lights', 'a photo of sks traffic signs',
        'a photo of sks persons'
    ]
    assert len(g.classes) == 10 and g.classes[-1] == 'bicycles'
    assert g.out_dir == 'data/datum/'  # where the self-training configs read

    lora = Config.fromfile(str(LORA))
    assert lora.personalize.lora == dict(rank=4, alpha=4)
    assert lora.personalize.optimizer.lr == 1e-4
    lora.personalize.lora, lora.personalize.optimizer.lr = None, 5e-6
    assert lora.to_dict() == cfg.to_dict()


def without_target(cfg):
    data = cfg.to_dict()
    target = data['train_dataloader']['dataset'].pop('target')
    for key in ('uda_datum_target', 'datum_data_root'):
        data.pop(key, None)
    return data, target


def test_daformer_datum_config_is_daformer_with_the_generated_target_set():
    datum, target = without_target(Config.fromfile(str(MIT_B5)))
    daformer, _ = without_target(Config.fromfile(str(DAFORMER)))
    assert datum == daformer
    assert target['data_root'] == 'data/datum/leftImg8bit/train/datum'
    assert [t['type'] for t in target['pipeline']] == [  # 512x512: no resize
        'LoadImageFromFile', 'RandomCrop', 'RandomFlip', 'PackSegInputs'
    ]


@pytest.mark.usefixtures('one_torch_thread')
def test_r101_datum_config_builds_daformers_deeplab_v2_and_reads_the_generated_folder(
        tmp_path):
    init_default_scope('mmasm')
    cfg = Config.fromfile(str(R101))
    assert cfg.model.type == 'DACS' and cfg.model.alpha == 0.999
    assert (cfg.model.pseudo_weight_ignore_top,
            cfg.model.pseudo_weight_ignore_bottom) == (15, 120)
    assert cfg.model.imnet_feature_dist.loss_weight == 0.005
    assert cfg.train_dataloader.dataset.rare_class_sampling.class_temp == 0.01
    assert cfg.optim_wrapper.optimizer.lr == 6e-5 and cfg.train_cfg.max_iters == 40000
    model_cfg = cfg.model
    model_cfg.pretrained = None
    model = MODELS.build(model_cfg)
    student = model.segmentor
    assert type(student.backbone
                ).__name__ == 'ResNetV1c' and student.backbone.depth == 101
    assert student.decode_head.dilations == (6, 12)

    folder = tmp_path / 'datum' / 'leftImg8bit' / 'train' / 'datum'
    folder.mkdir(parents=True)
    for j in range(3):
        cv2.imwrite(
            str(folder / f'datum_{j:06d}_leftImg8bit.png'),
            np.full((512, 512, 3), 40 * j, np.uint8))
    target = cfg.train_dataloader.dataset.target.to_dict()
    target['data_root'] = target['data_root'].replace('data/datum/',
                                                      f'{tmp_path}/datum/')
    dataset = DATASETS.build(target)
    assert len(dataset) == 3
    assert dataset[0]['inputs'].shape == (3, 512, 512)

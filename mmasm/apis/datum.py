"""DATUM's first two stages as functions of an mmengine config
(``configs/datum/datum_*.py``): :func:`personalize` fine-tunes Stable
Diffusion on the one-shot image (DreamBooth, full or LoRA) and
:func:`generate` writes the pseudo-target set that self-training reads.

>>> checkpoint = personalize('configs/datum/datum_sd-v1-4_dreambooth-1k_cityscapes-1shot.py')
>>> out_dir = generate('configs/datum/datum_sd-v1-4_dreambooth-1k_cityscapes-1shot.py')

The config holds ``model_dir`` (a local diffusers-format Stable Diffusion
folder), ``one_shot_image``, ``work_dir``, and the dicts ``personalize`` and
``generate`` (``configs/_base_/datum/{dreambooth,generation}.py``).
"""
import argparse
import json
import os.path as osp
from typing import Optional, Union

import torch
from mmengine.config import Config, DictAction
from mmengine.device import get_device
from mmengine.logging import MMLogger
from mmengine.utils import ProgressBar, mkdir_or_exist

from mmasm.models.datum import (DreamBooth, OneShotCrops, add_lora,
                                contact_sheet, generate_images, has_lora,
                                load_lora, load_pipeline, save_lora, write_png)

#: What a personalisation checkpoint folder holds beside the weights.
CHECKPOINT_INFO = 'datum_checkpoint.json'


def datum_config(config: Union[str, Config, dict],
                 cfg_options: Optional[dict] = None,
                 work_dir: Optional[str] = None) -> Config:
    """``config`` (a file, Config or dict) as a Config with ``cfg_options``
    merged and ``work_dir`` set (default for a file:
    ``work_dirs/<config name>``), its required keys checked."""
    if isinstance(config, Config):
        cfg = config
    elif isinstance(config, dict):
        cfg = Config(config)
    else:
        cfg = Config.fromfile(config)
        if not cfg.get('work_dir'):
            cfg.work_dir = osp.join('work_dirs',
                                    osp.splitext(osp.basename(config))[0])
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if work_dir is not None:
        cfg.work_dir = work_dir
    for key in ('model_dir', 'work_dir', 'personalize', 'generate'):
        if not cfg.get(key):
            raise KeyError(f'DATUM config: no {key!r} (see configs/datum/ and '
                           'configs/_base_/datum/)')
    return cfg


def datum_arg_parser(description: str, stage: str) -> argparse.ArgumentParser:
    """The command line shared by tools/datum_personalize.py and
    tools/datum_generate.py (``stage``: the config dict the device goes to);
    the tools add their own flags."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        'config', help='DATUM config file (configs/datum/datum_*.py)')
    parser.add_argument(
        '--work-dir',
        help='the personalisation work dir (checkpoints, logs); '
        'default work_dirs/<config name>')
    parser.add_argument(
        '--device', help='e.g. cuda, cuda:1, cpu (default: CUDA if available)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help=f'override config keys, e.g. {stage}.seed=1')
    return parser


def checkpoint_dir(work_dir: str, step: int) -> str:
    return osp.join(work_dir, f'checkpoint-{step}')


def save_checkpoint(pipeline, directory: str, step: int, cfg: Config) -> None:
    """The personalised model at ``step``: the whole pipeline (diffusers
    folder) or, with LoRA, only the adapters, plus ``datum_checkpoint.json``
    naming the base model."""
    mkdir_or_exist(directory)
    lora = has_lora(pipeline.unet)
    if lora:
        save_lora(pipeline, directory)
    else:
        pipeline.save_pretrained(directory)
    with open(osp.join(directory, CHECKPOINT_INFO), 'w') as f:
        json.dump(
            dict(
                step=step,
                lora=lora,
                model_dir=osp.abspath(cfg.model_dir),
                instance_prompt=cfg.personalize.instance_prompt),
            f,
            indent=1)


def dreambooth_trainer(cfg: Config, device: str) -> DreamBooth:
    """The DreamBooth trainer of a DATUM config on ``device``: the model
    folder loaded in fp32, LoRA adapters added if ``personalize.lora``."""
    opts = cfg.personalize
    if not cfg.get('one_shot_image'):
        raise KeyError('DATUM config: no one_shot_image to personalise on')
    crops = OneShotCrops(cfg.one_shot_image, opts.resize_short_side,
                         opts.crop_size)
    pipeline = load_pipeline(
        cfg.model_dir, torch_dtype=torch.float32, device=device)
    if opts.get('lora'):
        add_lora(
            pipeline, train_text_encoder=opts.train_text_encoder, **opts.lora)
    else:
        pipeline.unet.requires_grad_(True)
        pipeline.text_encoder.requires_grad_(opts.train_text_encoder)
    return DreamBooth(pipeline, crops, opts.instance_prompt,
                      opts.optimizer.to_dict(), opts.max_grad_norm,
                      opts.batch_size, opts.train_text_encoder, opts.seed,
                      opts.get('gradient_checkpointing', False))


def personalize(config: Union[str, Config, dict],
                work_dir: Optional[str] = None) -> str:
    """DreamBooth on ``cfg.one_shot_image`` (see
    :class:`~mmasm.models.datum.DreamBooth`) for ``personalize.max_steps``
    steps, saving ``work_dir/checkpoint-<step>`` every
    ``checkpoint_interval`` steps and at the end; returns the last one."""
    cfg = datum_config(config, work_dir=work_dir)
    opts = cfg.personalize
    device = opts.get('device') or get_device()
    trainer = dreambooth_trainer(cfg, device)
    mkdir_or_exist(cfg.work_dir)
    cfg.dump(osp.join(cfg.work_dir, 'datum_personalize_config.py'))
    logger = MMLogger.get_instance(
        f'mmasm_datum_{osp.abspath(cfg.work_dir)}',
        log_file=osp.join(cfg.work_dir, 'personalize.log'))
    logger.info(
        f'DreamBooth ({"LoRA" if opts.get("lora") else "full"}) of {cfg.model_dir} '
        f'on {cfg.one_shot_image}: {opts.max_steps} steps on {device}')
    bar = ProgressBar(opts.max_steps)
    last = None
    for step in range(1, opts.max_steps + 1):
        loss = trainer.train_step()
        bar.update()
        if step % opts.log_interval == 0:
            bar.file.write('\n')
            logger.info(f'step {step}/{opts.max_steps}: loss {loss:.4f}')
        if step % opts.checkpoint_interval == 0 or step == opts.max_steps:
            last = checkpoint_dir(cfg.work_dir, step)
            save_checkpoint(trainer.pipeline, last, step, cfg)
            bar.file.write('\n')
            logger.info(f'saved {last}')
    return last


def load_personalized(checkpoint: str,
                      torch_dtype: torch.dtype,
                      device: str,
                      scheduler: Optional[str] = None,
                      fuse_lora: bool = True):
    """The pipeline of a :func:`personalize` checkpoint folder (a full
    pipeline, or LoRA adapters over the base model it names)."""
    info_path = osp.join(checkpoint, CHECKPOINT_INFO)
    if not osp.isfile(info_path):
        raise FileNotFoundError(
            f'{info_path} not found: expected a checkpoint folder '
            'written by personalize (tools/datum_personalize.py)')
    with open(info_path) as f:
        info = json.load(f)
    if not info['lora']:
        return load_pipeline(checkpoint, torch_dtype, device, scheduler)
    pipeline = load_pipeline(info['model_dir'], torch_dtype, device, scheduler)
    return load_lora(pipeline, checkpoint, fuse=fuse_lora)


def generate(config: Union[str, Config, dict],
             checkpoint: Optional[str] = None,
             out_dir: Optional[str] = None,
             num_images: Optional[int] = None) -> str:
    """Generate ``generate.num_images`` images from a personalisation
    checkpoint (default ``work_dir/checkpoint-<generate.checkpoint_step>``)
    into ``out_dir`` (see :func:`~mmasm.models.datum.generate_images`),
    with ``prompts.json`` and ``contact_sheet.png``; returns ``out_dir``."""
    cfg = datum_config(config)
    opts = cfg.generate
    checkpoint = (
        checkpoint or opts.get('checkpoint')
        or checkpoint_dir(cfg.work_dir, opts.checkpoint_step))
    out_dir = (
        out_dir or opts.get('out_dir')
        or osp.join(cfg.work_dir, f'images_step{opts.checkpoint_step}'))
    num_images = opts.num_images if num_images is None else num_images
    device = opts.get('device') or get_device()
    dtype = getattr(torch, opts.dtype) if device != 'cpu' else torch.float32
    pipeline = load_personalized(checkpoint, dtype, device,
                                 opts.get('scheduler'),
                                 opts.get('fuse_lora', True))
    logger = MMLogger.get_instance('mmasm_datum')
    logger.info(
        f'generating {num_images} images from {checkpoint} into {out_dir} '
        f'on {device} ({dtype})')
    paths = generate_images(
        pipeline,
        out_dir,
        num_images,
        opts.seed,
        opts.batch_size,
        opts.height,
        opts.width,
        opts.num_inference_steps,
        opts.guidance_scale,
        opts.template,
        opts.classes,
        settings=dict(checkpoint=osp.abspath(checkpoint)),
        shard=opts.get('shard') or (0, 1))
    write_contact_sheet(paths, out_dir, opts)
    return out_dir


def write_contact_sheet(paths, out_dir: str, opts) -> Optional[str]:
    """``out_dir/contact_sheet.png``: the first ``contact_sheet.num_images``
    images, captioned with their classes."""
    sheet_opts = opts.contact_sheet
    sample = paths[:sheet_opts.num_images]
    if not sample:
        return None
    captions = [
        opts.classes[j % len(opts.classes)] for j in range(len(sample))
    ]
    sheet = contact_sheet(sample, captions, sheet_opts.num_columns,
                          sheet_opts.tile_size)
    path = osp.join(out_dir, 'contact_sheet.png')
    write_png(path, sheet)
    return path

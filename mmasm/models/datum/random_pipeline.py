"""Stable Diffusion pipelines with random weights, built from architecture
configs (``configs/_base_/datum/*_shapes.py``) without any download: full
SD v1.4 shapes for GPU benchmarks, tiny ones for CPU tests and smoke runs."""
import json
import os.path as osp
import string
from typing import Dict

import torch
from mmengine.utils import mkdir_or_exist

from .model_folder import require_datum_extra

SPECIAL_TOKENS = ('<|startoftext|>', '<|endoftext|>')


def write_char_tokenizer(directory: str) -> str:
    """A CLIP BPE tokenizer over single lowercase letters (``vocab.json`` +
    an empty ``merges.txt``) in ``directory``: every prompt tokenizes, one
    token per letter, with 54 ids. Returns ``directory``."""
    mkdir_or_exist(directory)
    letters = string.ascii_lowercase
    tokens = list(letters) + [c + '</w>'
                              for c in letters] + list(SPECIAL_TOKENS)
    with open(osp.join(directory, 'vocab.json'), 'w') as f:
        json.dump({token: i for i, token in enumerate(tokens)}, f)
    with open(osp.join(directory, 'merges.txt'), 'w') as f:
        f.write('#version: 0.2\n')
    return directory


def build_random_pipeline(shapes: Dict,
                          tokenizer_dir: str,
                          seed: int = 0,
                          device: str = 'cpu'):
    """A ``StableDiffusionPipeline`` (no safety checker) whose UNet, VAE and
    text encoder are randomly initialised (seed ``seed``) from the configs
    ``shapes['unet']``, ``shapes['vae']``, ``shapes['text_encoder']``
    (``CLIPTextConfig`` fields), with ``shapes['scheduler']`` (a diffusers
    scheduler class name in ``type`` and its config) and the tokenizer in
    ``tokenizer_dir`` (see :func:`write_char_tokenizer`)."""
    require_datum_extra()
    import diffusers
    from diffusers import (AutoencoderKL, StableDiffusionPipeline,
                           UNet2DConditionModel)
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer
    text_cfg = dict(shapes['text_encoder'])
    tokenizer = CLIPTokenizer.from_pretrained(
        tokenizer_dir,
        local_files_only=True,
        model_max_length=text_cfg['max_position_embeddings'])
    text_cfg.setdefault('bos_token_id', tokenizer.bos_token_id)
    text_cfg.setdefault('eos_token_id', tokenizer.eos_token_id)
    text_cfg.setdefault('pad_token_id', tokenizer.pad_token_id)
    scheduler_cfg = dict(shapes['scheduler'])
    scheduler = getattr(diffusers, scheduler_cfg.pop('type'))(**scheduler_cfg)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        with torch.device(device):
            unet = UNet2DConditionModel(**shapes['unet'])
            vae = AutoencoderKL(**shapes['vae'])
            text_encoder = CLIPTextModel(CLIPTextConfig(**text_cfg))
    return StableDiffusionPipeline(
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        unet=unet,
        scheduler=scheduler,
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False)

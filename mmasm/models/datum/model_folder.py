"""Local diffusers-format Stable Diffusion folders: checked before loading,
loaded with ``local_files_only=True`` and no safety checker.

DATUM (Benigmim et al., 2023) personalises Stable Diffusion v1.4
(``CompVis/stable-diffusion-v1-4``); v1.5 and 2.1 folders use the same
pipeline class (not tried here).
mmasm never downloads: a Hub id or a missing folder is an error that says
what to download and where to put it.
"""
import json
import os.path as osp
from typing import Optional

import torch

#: The model the authors personalise, and how to fetch it once, by hand.
DEFAULT_MODEL_ID = 'CompVis/stable-diffusion-v1-4'
DOWNLOAD_HINT = (
    'download a Stable Diffusion model in diffusers format (DATUM uses '
    f'{DEFAULT_MODEL_ID}; v1.5 or 2.1 have the same format) to a local folder, e.g.\n'
    '    huggingface-cli download {model_id} --local-dir {folder}\n'
    'or, in Python, diffusers.StableDiffusionPipeline.from_pretrained('
    '"{model_id}").save_pretrained("{folder}"), and set model_dir to that '
    'folder (it holds model_index.json, unet/, vae/, text_encoder/, '
    'tokenizer/ and scheduler/)')
#: The components DreamBooth and generation read.
REQUIRED_COMPONENTS = ('unet', 'vae', 'text_encoder', 'tokenizer', 'scheduler')


def require_datum_extra() -> None:
    """An ``ImportError`` naming the extra to install where diffusers,
    transformers or peft is missing."""
    import importlib.util
    missing = [
        name for name in ('diffusers', 'transformers', 'peft')
        if importlib.util.find_spec(name) is None
    ]
    if missing:
        raise ImportError(
            f'DATUM needs {", ".join(missing)}: pip install "mmasm[datum]" '
            '(or pip install -r requirements/datum.txt)')


def check_model_dir(model_dir: str) -> str:
    """``model_dir`` if it is a local diffusers Stable Diffusion folder,
    else a ``FileNotFoundError`` saying what to download and where."""
    model_dir = str(model_dir)
    index = osp.join(model_dir, 'model_index.json')
    if osp.isfile(index):
        with open(index) as f:
            entries = json.load(f)
        missing = [
            name for name in REQUIRED_COMPONENTS
            if not (entries.get(name) or [None])[0]
            or not osp.isdir(osp.join(model_dir, name))
        ]
        if missing:
            raise FileNotFoundError(
                f'Stable Diffusion folder {model_dir!r}: no {", ".join(missing)} '
                f'(model_index.json lists: {", ".join(sorted(entries))}); '
                'expected a complete diffusers-format pipeline folder')
        return model_dir
    looks_like_hub_id = (not osp.exists(model_dir)
                         and model_dir.count('/') == 1
                         and not model_dir.startswith(('.', '/', '~')))
    what = ('is a Hugging Face Hub id, but mmasm only loads local folders '
            '(local_files_only=True)' if looks_like_hub_id else
            'does not exist' if not osp.exists(model_dir) else
            'has no model_index.json (not a diffusers-format folder)')
    model_id = model_dir if looks_like_hub_id else DEFAULT_MODEL_ID
    folder = (f'checkpoints/{model_id.split("/")[-1]}'
              if looks_like_hub_id else model_dir)
    raise FileNotFoundError(
        f'Stable Diffusion model_dir {model_dir!r} {what}: ' +
        DOWNLOAD_HINT.format(model_id=model_id, folder=folder))


def load_pipeline(model_dir: str,
                  torch_dtype: Optional[torch.dtype] = None,
                  device: str = 'cpu',
                  scheduler: Optional[str] = None):
    """A ``StableDiffusionPipeline`` from the local folder ``model_dir``
    (checked by :func:`check_model_dir`), without its safety checker (the
    authors left it on: flagged images came out black), optionally with
    another diffusers scheduler class by name (default: the folder's own,
    PNDM for v1.4). Progress bars of single pipeline calls are off."""
    require_datum_extra()
    check_model_dir(model_dir)
    import diffusers
    from diffusers import StableDiffusionPipeline
    pipeline = StableDiffusionPipeline.from_pretrained(
        model_dir,
        local_files_only=True,
        dtype=torch_dtype,
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False)
    if scheduler is not None:
        scheduler_cls = getattr(diffusers, scheduler, None)
        if scheduler_cls is None:
            raise ValueError(f'scheduler {scheduler!r} is not a diffusers '
                             'scheduler class (e.g. DDIMScheduler)')
        pipeline.scheduler = scheduler_cls.from_config(
            pipeline.scheduler.config)
    pipeline.set_progress_bar_config(disable=True)
    return pipeline.to(device)

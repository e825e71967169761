"""DATUM's pseudo-target set: images of the personalised model, written in
Cityscapes' image layout (``leftImg8bit/train/datum/*_leftImg8bit.png``) so
that an mmseg dataset reads them as unlabelled target images."""
import json
import os
import os.path as osp
from typing import Dict, List, Sequence

import cv2
import numpy as np
import torch
from mmengine.utils import ProgressBar, mkdir_or_exist

#: The classes of the prompts, in the authors' order (generate_dreambooth.py):
#: image j shows class j mod 10.
DATUM_CLASSES = ('traffic lights', 'traffic signs', 'persons', 'riders',
                 'cars', 'trucks', 'trains', 'buses', 'motorcycles',
                 'bicycles')
DATUM_PROMPT = 'a photo of sks {}'
#: Where the images go under the output folder, and their names.
IMAGE_DIR = osp.join('leftImg8bit', 'train', 'datum')
IMAGE_NAME = 'datum_{:06d}_leftImg8bit.png'
PROMPTS_FILE = 'prompts.json'


def datum_prompts(num_images: int,
                  template: str = DATUM_PROMPT,
                  classes: Sequence[str] = DATUM_CLASSES) -> List[str]:
    """The prompt of each image: ``template`` filled with class j mod C."""
    return [
        template.format(classes[j % len(classes)]) for j in range(num_images)
    ]


def image_records(num_images: int,
                  seed: int,
                  template: str = DATUM_PROMPT,
                  classes: Sequence[str] = DATUM_CLASSES) -> List[Dict]:
    """What :func:`generate_images` writes to ``prompts.json`` per image:
    its file (relative to the output folder), prompt and seed ``seed + j``."""
    return [
        dict(
            file=osp.join(IMAGE_DIR, IMAGE_NAME.format(j)),
            prompt=prompt,
            seed=seed + j) for j, prompt in enumerate(
                datum_prompts(num_images, template, classes))
    ]


def write_prompts(out_dir: str, records: List[Dict], settings: Dict) -> None:
    """Write ``prompts.json`` (settings + per-image records), refusing an
    output folder that holds images made with other settings (a resumed run
    must make the same images)."""
    path = osp.join(out_dir, PROMPTS_FILE)
    if osp.isfile(path):
        with open(path) as f:
            old = json.load(f)
        if old.get('settings') != settings:
            changed = sorted(
                k for k in set(settings) | set(old.get('settings', {}))
                if settings.get(k) != old.get('settings', {}).get(k))
            raise ValueError(
                f'{path} was written with other generation settings '
                f'({", ".join(changed)} differ): its images would not match; '
                'choose another output folder or delete this one')
        known = {r['file']: r for r in old['images']}
        records = list({**known, **{r['file']: r for r in records}}.values())
    tmp = f'{path}.{os.getpid()}.part'
    with open(tmp, 'w') as f:
        json.dump(dict(settings=settings, images=records), f, indent=1)
    os.replace(tmp, path)


def write_png(path: str, rgb: np.ndarray) -> None:
    """Write an RGB uint8 image as PNG atomically (a killed run leaves no
    truncated image for a resumed one to skip)."""
    ok, data = cv2.imencode('.png', np.ascontiguousarray(rgb[..., ::-1]))
    if not ok:
        raise OSError(f'cannot encode {path}')
    part = f'{path}.{os.getpid()}.part'  # processes writing one folder (shards)
    with open(part, 'wb') as f:
        f.write(data.tobytes())
    os.replace(part, path)


def generate_images(
    pipeline,
    out_dir: str,
    num_images: int = 2975,
    seed: int = 0,
    batch_size: int = 1,
    height: int = 512,
    width: int = 512,
    num_inference_steps: int = 50,
    guidance_scale: float = 7.5,
    template: str = DATUM_PROMPT,
    classes: Sequence[str] = DATUM_CLASSES,
    settings: Dict = None,
    progress: bool = True,
    shard: Sequence[int] = (0, 1)) -> List[str]:
    """Generate DATUM's pseudo-target images with ``pipeline`` into
    ``out_dir``; returns the paths of all ``num_images`` images.

    Image j has the prompt ``template.format(classes[j % C])`` and its own
    CPU generator seeded with ``seed + j``, so it does not depend on the
    batch size nor on the device's random stream. Images already on disk
    are skipped (resume). ``settings`` (model, checkpoint, ...) are stored in
    ``prompts.json`` beside the generation arguments. ``shard=(i, n)`` makes
    only the images j with j mod n = i: n processes (e.g. one per GPU) with
    i = 0..n-1 together make the same set as one.
    """
    index, count = shard
    if not 0 <= index < count:
        raise ValueError(
            f'shard={tuple(shard)}: expected (i, n) with 0 <= i < n')
    records = image_records(num_images, seed, template, classes)
    settings = dict(
        settings or {},
        seed=seed,
        height=height,
        width=width,
        num_inference_steps=num_inference_steps,
        guidance_scale=guidance_scale,
        template=template,
        classes=list(classes))
    mkdir_or_exist(osp.join(out_dir, IMAGE_DIR))
    write_prompts(out_dir, records, settings)
    todo = [
        r for j, r in enumerate(records)
        if j % count == index and not osp.isfile(osp.join(out_dir, r['file']))
    ]
    bar = ProgressBar(len(todo)) if progress and todo else None
    for start in range(0, len(todo), batch_size):
        batch = todo[start:start + batch_size]
        images = pipeline([r['prompt'] for r in batch],
                          height=height,
                          width=width,
                          num_inference_steps=num_inference_steps,
                          guidance_scale=guidance_scale,
                          generator=[
                              torch.Generator().manual_seed(r['seed'])
                              for r in batch
                          ],
                          output_type='np').images
        for record, image in zip(batch, images):
            write_png(
                osp.join(out_dir, record['file']),
                (image * 255).round().clip(0, 255).astype(np.uint8))
        if bar is not None:
            bar.update(len(batch))
    return [
        osp.join(out_dir, r['file']) for j, r in enumerate(records)
        if j % count == index
    ]

"""Write target appearance domains beside a demo pair.

Each domain is a folder that reads like a demo pair (so every demo config
and :func:`mmasm.demo.demo_config` take it unchanged)::

    OUT/<domain>/target/          Cityscapes layout, this domain's images
    OUT/<domain>/source -> PAIR/source   (relative links: the same source
    OUT/<domain>/style  -> PAIR/style     images and RAIN style images)
    OUT/<domain>/meta.json        the pair's, with this target's counts and
                                  a ``target_domain`` entry
    OUT/<domain>/preview.png      (``preview``) three val images, labels

The train split's first images are the one-shot images of seeds 0, 1, 2
(:func:`mmasm.demo.one_shot_images`); all train images are unlabelled
target data of the all-target arm (their labels are written too, for the
target-supervised arm); val is labelled.
"""
import json
import os
import os.path as osp
from typing import Dict, List, Sequence

import numpy as np

from . import writer
from .classes import colorize
from .preview import join
from .target_domains import DOMAIN_SPLITS, get_domain, render_domain_sample

PREVIEW_IMAGES = 3


def read_pair_meta(pair_dir: str) -> dict:
    path = osp.join(pair_dir, 'meta.json')
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'{path} not found: render the demo pair first '
            f'(python tools/make_demo_domains.py {pair_dir})')
    with open(path) as file:
        return json.load(file)


def domain_split(name: str) -> str:
    return next(split for split, names in DOMAIN_SPLITS.items()
                if name in names)


def domain_meta(pair_meta: dict, name: str, counts: dict) -> dict:
    meta = dict(
        pair_meta,
        num_target_train=counts['train'],
        num_target_val=counts['val'])
    meta['target_domain'] = dict(
        name=name,
        split=domain_split(name),
        description=get_domain(name).description)
    return meta


def domain_preview(samples: List[tuple], gap: int = 2) -> np.ndarray:
    """Images in the top row, their coloured labels below."""
    images = join([image for image, _ in samples], axis=1, gap=gap)
    labels = join([colorize(label) for _, label in samples], axis=1, gap=gap)
    return join([images, labels], axis=0, gap=gap)


def write_domain(root: str, name: str, seed: int, size, counts: dict):
    """The target folder of one domain; returns the first val samples."""
    samples = []
    for split in ('train', 'val'):
        for index in range(counts[split]):
            image, label = render_domain_sample(seed, name, split, index, size)
            writer.write_cityscapes_sample(
                osp.join(root, 'target'), split, index, image, label)
            if split == 'val' and index < PREVIEW_IMAGES:
                samples.append((image, label))
    return samples


def make_target_domains(out_dir: str,
                        pair_dir: str,
                        domains: Sequence[str],
                        num_train: int = 20,
                        num_val: int = 50,
                        force: bool = False,
                        skip_existing: bool = False,
                        preview: bool = False) -> Dict[str, str]:
    """Write ``domains`` (names of ``TARGET_DOMAINS``) into
    ``out_dir/<domain>`` beside the demo pair in ``pair_dir`` (its seed
    and image size); returns name -> folder. A finished domain folder is
    kept if ``skip_existing``, replaced if ``force``, else an error. Same
    arguments, same bytes."""
    pair_meta = read_pair_meta(pair_dir)
    for name in domains:
        get_domain(name)
    counts = dict(train=num_train, val=num_val)
    if num_train < 1 or num_val < 1:
        raise ValueError(f'num_train and num_val must be >= 1, got {counts}')
    seed = pair_meta['seed']
    size = (pair_meta['size']['width'], pair_meta['size']['height'])
    folders = {}
    for name in domains:
        folder = osp.abspath(osp.join(out_dir, name))
        folders[name] = folder
        if skip_existing and osp.isfile(osp.join(folder, 'meta.json')):
            continue
        with writer.atomic_output_dir(folder, force) as staging:
            samples = write_domain(staging, name, seed, size, counts)
            for part in ('source', 'style'):  # relative to the final folder
                pair_part = osp.join(osp.abspath(pair_dir), part)
                os.symlink(
                    osp.relpath(pair_part, folder), osp.join(staging, part))
            writer.write_json(
                osp.join(staging, 'meta.json'),
                domain_meta(pair_meta, name, counts))
            if preview:
                writer.write_png(
                    osp.join(staging, 'preview.png'), domain_preview(samples))
    return folders

"""Generate the demo domain pair: a game-like source and a photo-like
target rendered from the same kind of random street layouts."""
import os.path as osp
from dataclasses import dataclass
from typing import Sequence, Tuple

import numpy as np

from . import writer
from .camera import CameraEffects, apply_camera
from .classes import CITYSCAPES_CLASSES, DEMO_TRAIN_IDS
from .layout import random_layout
from .preview import preview_grid
from .source_style import render_source
from .style_images import style_images
from .target_style import render_target_radiance
from .textures import TARGET_TEXTURES

#: Random streams: one per domain and split, so adding images to one split
#: never changes another's.
DOMAIN_CODES = dict(source=0, target_train=1, target_val=2)
MIN_SIZE, MAX_SIZE = 32, 4096
MAX_IMAGES = 100000
PREVIEW_ROWS = 4


@dataclass(frozen=True)
class DemoDomains:
    """Where :func:`make_demo_domains` put things (absolute paths)."""
    root: str
    source: str  # GTA5 layout
    target: str  # Cityscapes layout
    style: str  # RAIN style images
    one_shot_image: str  # the first target train image


def render_sample(seed: int, domain: str, index: int,
                  size: Tuple[int, int]) -> Tuple[np.ndarray, np.ndarray]:
    """Image ``index`` of ``domain`` ('source', 'target_train' or
    'target_val'): ``(H, W, 3)`` uint8 RGB and ``(H, W)`` uint8 train ids;
    a function of ``(seed, domain, index, size)`` only."""
    streams = np.random.SeedSequence([seed, DOMAIN_CODES[domain], index])
    layout_rng, look_rng, camera_rng = (
        np.random.default_rng(s) for s in streams.spawn(3))
    layout = random_layout(layout_rng, *size)
    if domain == 'source':
        return render_source(layout, look_rng), layout.label
    radiance = render_target_radiance(layout, look_rng)
    image = apply_camera(radiance, CameraEffects.random(camera_rng),
                         camera_rng)
    return image, layout.label


def check_arguments(seed, counts: dict, size) -> Tuple[int, int]:
    """Raise ValueError unless the arguments make a valid dataset."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) \
            or seed < 0:
        raise ValueError(f'seed must be a non-negative integer, got {seed!r}')
    for name, count in counts.items():
        if isinstance(count, bool) or not isinstance(
                count, (int, np.integer)) or not 1 <= count <= MAX_IMAGES:
            raise ValueError(f'{name} must be an integer from 1 to '
                             f'{MAX_IMAGES}, got {count!r}')
    if not isinstance(size, Sequence) or len(size) != 2 or any(
            isinstance(s, bool) or not isinstance(s, (int, np.integer))
            or not MIN_SIZE <= s <= MAX_SIZE for s in size):
        raise ValueError(f'size must be (width, height), integers from '
                         f'{MIN_SIZE} to {MAX_SIZE} pixels, got {size!r}')
    return int(size[0]), int(size[1])


def make_demo_domains(out_dir: str,
                      seed: int = 0,
                      num_source: int = 300,
                      num_target_train: int = 20,
                      num_target_val: int = 50,
                      size: Tuple[int, int] = (256, 128),
                      force: bool = False,
                      preview: bool = False) -> DemoDomains:
    """Write the demo domain pair to ``out_dir``.

    ``out_dir/source`` (GTA5 layout, ``num_source`` labelled images),
    ``out_dir/target`` (Cityscapes layout: ``num_target_train`` train
    images, the first one being the one-shot target image, and
    ``num_target_val`` val images, all with labels), ``out_dir/style``
    (RAIN style images), ``out_dir/meta.json`` and, if ``preview``,
    ``out_dir/preview.png``. ``size`` is (width, height) in pixels. The
    output is byte-identical for equal arguments. An existing ``out_dir`` is
    replaced only if ``force``; on any error nothing is left behind.
    """
    counts = dict(
        num_source=num_source,
        num_target_train=num_target_train,
        num_target_val=num_target_val)
    size = check_arguments(seed, counts, size)
    out_dir = osp.abspath(out_dir)
    with writer.atomic_output_dir(out_dir, force) as staging:
        samples = write_domains(staging, seed, counts, size)
        style_names = write_style_images(osp.join(staging, 'style'))
        meta = metadata(seed, counts, size, style_names)
        writer.write_json(osp.join(staging, 'meta.json'), meta)
        if preview:
            writer.write_png(
                osp.join(staging, 'preview.png'), preview_grid(*samples))
    return DemoDomains(
        root=out_dir,
        source=osp.join(out_dir, 'source'),
        target=osp.join(out_dir, 'target'),
        style=osp.join(out_dir, 'style'),
        one_shot_image=osp.join(out_dir, 'target',
                                meta['target']['one_shot_image']))


def write_domains(root: str, seed: int, counts: dict, size):
    """Write both domains; return the first few (image, label) pairs of
    the source and of the target val split (for the preview)."""
    source, target = [], []
    for index in range(counts['num_source']):
        image, label = render_sample(seed, 'source', index, size)
        writer.write_gta5_sample(osp.join(root, 'source'), index, image, label)
        if index < PREVIEW_ROWS:
            source.append((image, label))
    for split in ('train', 'val'):
        for index in range(counts[f'num_target_{split}']):
            image, label = render_sample(seed, f'target_{split}', index, size)
            writer.write_cityscapes_sample(
                osp.join(root, 'target'), split, index, image, label)
            if split == 'val' and index < PREVIEW_ROWS:
                target.append((image, label))
    return source, target


def write_style_images(folder: str):
    names = []
    for name, image in style_images():
        writer.write_png(osp.join(folder, name + '.png'), image)
        names.append(name + '.png')
    return names


def metadata(seed: int, counts: dict, size, style_names) -> dict:
    one_shot = osp.join('leftImg8bit', 'train', writer.CITY,
                        writer.cityscapes_name(0) + '_leftImg8bit.png')
    return dict(
        generator='mmasm.demo.domains',
        seed=int(seed),
        size=dict(width=size[0], height=size[1]),
        **{
            key: int(value)
            for key, value in counts.items()
        },
        classes=[
            dict(train_id=i, name=CITYSCAPES_CLASSES[i])
            for i in DEMO_TRAIN_IDS
        ],
        source=dict(
            root='source',
            layout='GTA5',
            img_dir='images',
            ann_dir='labels',
            label_ids='labels/*.png (Cityscapes '
            'label ids)',
            seg_map_suffix='_labelTrainIds.png'),
        target=dict(
            root='target',
            layout='Cityscapes',
            city=writer.CITY,
            one_shot_image=one_shot,
            seg_map_suffix='_gtFine_labelTrainIds.png',
            textures=list(TARGET_TEXTURES)),
        style=dict(root='style', images=list(style_names)))

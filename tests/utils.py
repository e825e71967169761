"""Test helpers: tiny Cityscapes / GTA5 folders and the tiny SegFormer config.

Images are class colours (Cityscapes palette) plus noise over a blocky label
map, so a segmentor can learn something in a few iterations.
"""
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import torch
import torch.nn as nn
from mmengine.config import Config
from mmseg.datasets import CityscapesDataset

from mmasm.datasets.gta5 import convert_label_dir, gta5_label_to_train_ids
from mmasm.models import RAIN
from mmasm.models.lrm import LRMTranslator, save_lrm_translator

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = Path(__file__).resolve().parent / 'data'
TINY_SEGFORMER_CFG = DATA_DIR / 'configs' / 'tiny_segformer_cityscapes.py'

NUM_CITYSCAPES_CLASSES = 19
IGNORE_INDEX = 255
# Cityscapes label id of each of the 19 train ids (cityscapesScripts).
TRAIN_ID_TO_LABEL_ID = np.array(
    [7, 8, 11, 12, 13, 17, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 31, 32, 33],
    dtype=np.uint8)
UNLABELED_LABEL_ID = 0  # 'unlabeled', train id 255
CITYSCAPES_PALETTE = np.array(
    CityscapesDataset.METAINFO['palette'], dtype=np.uint8)


def random_scene(rng, size=(32, 64), block=8):
    """A (BGR image, train-id label) pair: blocks of random classes, a few
    ignored blocks, image = class colour + noise."""
    height, width = size
    grid = rng.integers(0, NUM_CITYSCAPES_CLASSES,
                        (-(-height // block), -(-width // block)))
    grid[rng.random(grid.shape) < 0.1] = IGNORE_INDEX
    label = np.kron(grid, np.ones((block, block), dtype=grid.dtype))
    label = label[:height, :width].astype(np.uint8)
    colours = CITYSCAPES_PALETTE[np.minimum(label, NUM_CITYSCAPES_CLASSES - 1)]
    colours[label == IGNORE_INDEX] = 0
    noise = rng.integers(-20, 21, colours.shape)
    image_rgb = np.clip(colours.astype(int) + noise, 0, 255).astype(np.uint8)
    return image_rgb[..., ::-1].copy(), label


def write_cityscapes(root,
                     split='train',
                     num_images=4,
                     size=(32, 64),
                     city='aachen',
                     seed=0):
    """Write ``leftImg8bit/<split>/<city>/*_leftImg8bit.png`` and
    ``gtFine/<split>/<city>/*_gtFine_labelTrainIds.png``; return the stems."""
    root = Path(root)
    image_dir = root / 'leftImg8bit' / split / city
    label_dir = root / 'gtFine' / split / city
    image_dir.mkdir(parents=True, exist_ok=True)
    label_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    stems = []
    for index in range(num_images):
        stem = f'{city}_{index:06d}_000019'
        image, label = random_scene(rng, size)
        cv2.imwrite(str(image_dir / f'{stem}_leftImg8bit.png'), image)
        cv2.imwrite(str(label_dir / f'{stem}_gtFine_labelTrainIds.png'), label)
        stems.append(stem)
    return stems


def write_gta5(root, num_images=4, size=(32, 64), seed=0):
    """Write GTA5's layout: ``images/00001.png`` and ``labels/00001.png``
    with Cityscapes label ids (0..33); return the train-id maps written."""
    root = Path(root)
    (root / 'images').mkdir(parents=True, exist_ok=True)
    (root / 'labels').mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    train_ids = []
    for index in range(1, num_images + 1):
        image, train_id = random_scene(rng, size)
        label_id = np.full_like(train_id, UNLABELED_LABEL_ID)
        known = train_id != IGNORE_INDEX
        label_id[known] = TRAIN_ID_TO_LABEL_ID[train_id[known]]
        cv2.imwrite(str(root / 'images' / f'{index:05d}.png'), image)
        cv2.imwrite(str(root / 'labels' / f'{index:05d}.png'), label_id)
        train_ids.append(train_id)
    return train_ids


def data_root_overrides(data_root):
    """Config overrides pointing the tiny config's dataloaders at
    ``data_root``."""
    dataset = dict(dataset=dict(data_root=str(data_root)))
    return dict(
        data_root=str(data_root),
        train_dataloader=dataset,
        val_dataloader=dataset,
        test_dataloader=dataset)


def tiny_segformer_config(data_root, work_dir=None):
    """The tiny SegFormer config reading Cityscapes-layout ``data_root``."""
    cfg = Config.fromfile(str(TINY_SEGFORMER_CFG))
    cfg.merge_from_dict(data_root_overrides(data_root))
    if work_dir is not None:
        cfg.work_dir = str(work_dir)
    return cfg


def write_tiny_segformer_config(path,
                                data_root,
                                extra='',
                                train_pipeline=None):
    """Write a config file inheriting the tiny SegFormer config, reading
    ``data_root`` (and training with ``train_pipeline`` if given), followed by
    the config text ``extra`` (which must not reassign the dataloaders);
    return its path."""
    overrides = data_root_overrides(data_root)
    if train_pipeline is not None:
        overrides['train_dataloader'] = dict(
            dataset=dict(
                overrides['train_dataloader']['dataset'],
                pipeline=train_pipeline))
    lines = [f'_base_ = [{str(TINY_SEGFORMER_CFG)!r}]']
    lines += [f'{key} = {value!r}' for key, value in overrides.items()]
    Path(path).write_text('\n'.join(lines) + '\n' + extra)
    return Path(path)


def write_lrm_translator(root, seed=0):
    """A random LRM translator ``root/lrm.pth`` and a 40x24 one-shot target
    ``root/target.png``; returns their paths as strings."""
    torch.manual_seed(seed)
    save_lrm_translator(LRMTranslator(), Path(root) / 'lrm.pth')
    target = np.random.default_rng(seed + 1).integers(
        0, 256, (24, 40, 3), dtype=np.uint8)
    assert cv2.imwrite(str(Path(root) / 'target.png'), target)
    return str(Path(root) / 'lrm.pth'), str(Path(root) / 'target.png')


def add_gta5_extras(gta5_root):
    """A GTA5 folder (:func:`write_gta5`) plus train-id labels, an image
    and label in a sub-folder and a split file; returns the root."""
    gta5_root = Path(gta5_root)
    for kind in ('images', 'labels'):
        (gta5_root / kind / 'extra').mkdir()
        (gta5_root / kind / 'extra' / '00009.png').write_bytes(
            (gta5_root / kind / '00001.png').read_bytes())
    convert_label_dir(str(gta5_root / 'labels'), gta5_label_to_train_ids)
    (gta5_root / 'split.txt').write_text('00001\n')
    return gta5_root


def free_port():
    """A TCP port nobody listens on right now (for torchrun)."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def tool_env(**extra):
    """Environment for running tools in a subprocess: CPU only, one thread
    per process, this checkout's ``mmasm`` imported (not another editable
    install's) and tests/data importable (for test-only hooks)."""
    env = dict(os.environ, CUDA_VISIBLE_DEVICES='', OMP_NUM_THREADS='1')
    env['PYTHONPATH'] = os.pathsep.join(
        filter(None, [str(REPO_ROOT),
                      str(DATA_DIR),
                      env.get('PYTHONPATH')]))
    env.update(extra)
    return env


def run_tool(path, *args, timeout=240):
    """Run ``python tools/<path> ARGS`` like a user (CPU, one thread); the
    ``CompletedProcess`` (stdout and stderr as text)."""
    return _run([str(REPO_ROOT / 'tools' / path), *args], timeout)


def run_module(module, *args, timeout=240):
    """Run ``python -m <module> ARGS`` from the repository root, as the
    benchmark scripts are run (``tools.benchmarks.<name>``)."""
    return _run(['-m', module, *args], timeout)


def _run(args, timeout):
    return subprocess.run([sys.executable, *map(str, args)],
                          capture_output=True,
                          text=True,
                          timeout=timeout,
                          env=tool_env(),
                          cwd=REPO_ROOT)


def start_tool(args, log_path, **env):
    """Start ``args`` (a command line) in a subprocess writing stdout and
    stderr to ``log_path``; return the ``Popen``."""
    with open(log_path, 'w') as log:
        return subprocess.Popen([str(arg) for arg in args],
                                stdout=log,
                                stderr=subprocess.STDOUT,
                                env=tool_env(**env),
                                cwd=Path(log_path).parent)


def finish_tool(process, log_path, timeout=240):
    """Wait for ``process``; fail the test with the log's tail if it fails."""
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log = Path(log_path).read_text()
    assert process.returncode == 0, (
        f'{process.args} exited with {process.returncode}:\n{log[-4000:]}')
    return log


def train_in_sequence(runs, log_path, ranks=1, timeout=600):
    """``tools/train.py`` runs (each a list of its arguments) one after
    another in one process, or on the same CPU ranks of one torchrun launch
    (``ranks`` > 1), through tests/data/train_in_sequence.py (torch, mmseg
    and mmasm imported once per process); the launch's log."""
    driver = DATA_DIR / 'train_in_sequence.py'
    args, launcher = [sys.executable, driver], []
    if ranks > 1:
        args = [
            sys.executable, '-m', 'torch.distributed.run', '--nnodes=1',
            f'--nproc_per_node={ranks}', '--master_addr=127.0.0.1',
            f'--master_port={free_port()}', driver
        ]
        launcher = ['--launcher', 'pytorch']
    for run in runs:
        args += [*run, *launcher, ':::']
    return finish_tool(start_tool(args, log_path), log_path, timeout=timeout)


def run_log(work_dir):
    """The text log rank 0 wrote for the newest run in ``work_dir`` (a run's
    log folder is named after its start time)."""
    return sorted(Path(work_dir).glob('*/*.log'))[-1].read_text()


def save_random_rain(path, seed=0, encoder_tap='relu4_1'):
    """A He-initialised random RAIN (encoder ending at ``encoder_tap``)
    saved as a state dict, with a decoder output layer scaled so that
    outputs sit around mid-grey and depend on content and style."""
    torch.manual_seed(seed)
    rain = RAIN(encoder_tap=encoder_tap)
    for module in rain.modules():
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(module.weight, nonlinearity='relu')
            nn.init.zeros_(module.bias)
    with torch.no_grad():
        rain.decoder.conv1_1.weight.mul_(0.05)
        rain.decoder.conv1_1.bias.fill_(0.5)
    torch.save(rain.state_dict(), path)


def make_tiny_digits(root):
    """A small digits demo pair (all source scans, 10 + 10 target images)
    and random RAINs under ``root``: paths of the pair, its seed-0 one-shot
    image, a RAIN with the digits demo's encoder tap (relu2_1, ``rain``) and
    one with the paper's relu4_1 (``rain_relu4_1``)."""
    from mmasm.demo.digits import make_digit_domains
    domains = make_digit_domains(
        str(Path(root) / 'digits'),
        num_target_train=10,
        num_target_test=10,
        num_style=2)
    save_random_rain(Path(root) / 'rain.pth', encoder_tap='relu2_1')
    save_random_rain(Path(root) / 'rain_relu4_1.pth')
    return dict(
        root=domains.root,
        one_shot=domains.one_shot_images[0],
        rain=str(Path(root) / 'rain.pth'),
        rain_relu4_1=str(Path(root) / 'rain_relu4_1.pth'))


def logged_scalars(work_dir):
    """Per-iteration records of a run's ``vis_data/scalars.json``, keyed by
    iter (validation records, which have no iter, are left out)."""
    (path, ) = Path(work_dir).glob('*/vis_data/scalars.json')
    records = [json.loads(line) for line in path.read_text().splitlines()]
    return {r['iter']: r for r in records if 'iter' in r}


TINY_SD_SHAPES = REPO_ROOT / 'configs' / '_base_' / 'datum' / 'tiny_sd_shapes.py'
DATUM_CONFIG = REPO_ROOT / 'configs' / 'datum' / 'datum_sd-v1-4_dreambooth-1k_cityscapes-1shot.py'


def write_tiny_sd_pipeline(folder, seed=0, safe_serialization=True):
    """A random tiny Stable Diffusion (configs/_base_/datum/tiny_sd_shapes.py,
    about 0.9 M parameters, 64x64 images at most) saved in diffusers' layout
    in ``folder``; returns the folder."""
    from mmasm.models.datum import build_random_pipeline, write_char_tokenizer
    folder = Path(folder)
    shapes = Config.fromfile(str(TINY_SD_SHAPES)).sd_shapes.to_dict()
    tokenizer_dir = write_char_tokenizer(str(folder) + '_tokenizer')
    pipeline = build_random_pipeline(shapes, tokenizer_dir, seed=seed)
    pipeline.save_pretrained(
        str(folder), safe_serialization=safe_serialization)
    return folder


def tiny_datum_config(model_dir, one_shot_image, work_dir, out_dir=None):
    """The DATUM config (configs/datum/datum_sd-v1-4_dreambooth-1k_cityscapes-1shot.py)
    at the tiny model's size: 32x32 crops of the image resized to a short
    side of 40, 32x32 images, 4 denoising steps, CPU."""
    cfg = Config.fromfile(str(DATUM_CONFIG))
    cfg.merge_from_dict(
        dict(
            model_dir=str(model_dir),
            one_shot_image=str(one_shot_image),
            work_dir=str(work_dir),
            personalize=dict(
                resize_short_side=40,
                crop_size=32,
                max_steps=4,
                checkpoint_interval=2,
                log_interval=1,
                device='cpu'),
            generate=dict(
                checkpoint_step=4,
                out_dir=str(out_dir) if out_dir else None,
                num_images=12,
                height=32,
                width=32,
                num_inference_steps=4,
                batch_size=4,
                device='cpu',
                contact_sheet=dict(num_images=10, num_columns=5,
                                   tile_size=32))))
    return cfg


def write_rgb_image(path, size=(48, 80), seed=0):
    """A random-scene RGB image (Cityscapes colours + noise) at ``path``."""
    image, _ = random_scene(np.random.default_rng(seed), size)
    assert cv2.imwrite(str(path), image)
    return Path(path)

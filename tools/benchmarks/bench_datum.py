"""DATUM's cost on one device: a personalisation step (full DreamBooth and
LoRA: time, peak memory) and generation throughput, on Stable Diffusion
v1.4's architecture with random weights (no download).

    python -m tools.benchmarks.bench_datum [--device cuda] [--steps 10]
        [--batch-sizes 1 4 8] [--out work_dirs/bench_datum.json]
    python -m tools.benchmarks.bench_datum --tiny --device cpu   # smoke run

Full size (configs/_base_/datum/sd-v1-4_shapes.py): UNet 859.5 M, VAE
83.7 M, text encoder 123.1 M parameters; personalisation in fp32 at batch 1
on 512x512 crops (AdamW, the authors' settings; LoRA rank 4), generation in
fp16 at 512x512, 50 PNDM steps, guidance 7.5, per batch size. ``--tiny``
runs the tiny pipeline of the tests (configs/_base_/datum/tiny_sd_shapes.py)
at 64x64: it checks that the script runs, its figures mean nothing. Peak
memory is CUDA's max_memory_allocated (not measured on CPU). Prints a
markdown table and writes the figures as JSON.
"""
import argparse
import gc
import json
import os.path as osp
import tempfile
import time

import numpy as np
import torch
from mmengine.config import Config
from mmengine.utils import mkdir_or_exist

from mmasm.models.datum import (DreamBooth, OneShotCrops, add_lora,
                                build_random_pipeline, write_char_tokenizer,
                                write_png)

CONFIGS = osp.join(
    osp.dirname(osp.abspath(__file__)), '..', '..', 'configs', '_base_',
    'datum')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--tiny', action='store_true', help='tiny pipeline (CPU smoke run)')
    parser.add_argument('--device', default='cuda')
    parser.add_argument(
        '--steps', type=int, default=10, help='timed personalisation steps')
    parser.add_argument(
        '--batch-sizes', type=int, nargs='+', default=[1, 4, 8])
    parser.add_argument('--inference-steps', type=int, default=50)
    parser.add_argument('--lora-rank', type=int, default=4)
    parser.add_argument('--out', default='work_dirs/bench_datum.json')
    return parser.parse_args(argv)


def synchronize(device):
    if device.startswith('cuda'):
        torch.cuda.synchronize()


def reset_peak(device):
    gc.collect()
    if device.startswith('cuda'):
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()


def peak_gib(device):
    if device.startswith('cuda'):
        return torch.cuda.max_memory_allocated() / 2**30
    return None


def random_pipeline(shapes, tmp, device, dtype=torch.float32):
    tokenizer = write_char_tokenizer(osp.join(tmp, 'tokenizer'))
    return build_random_pipeline(shapes, tokenizer).to(device, dtype)


def personalisation(shapes, tmp, args, image, crop, lora):
    """Seconds per DreamBooth step and peak memory (weights, gradients,
    AdamW state and activations)."""
    reset_peak(args.device)
    pipeline = random_pipeline(shapes, tmp, args.device)
    if lora:
        add_lora(pipeline, rank=args.lora_rank)
    else:
        pipeline.unet.requires_grad_(True)
        pipeline.text_encoder.requires_grad_(True)
    trainer = DreamBooth(
        pipeline, OneShotCrops(image, 2 * crop, crop),
        'a photo of a sks urban scene',
        dict(
            type='AdamW',
            lr=5e-6,
            betas=(0.9, 0.999),
            eps=1e-8,
            weight_decay=1e-2))
    trainer.train_step()  # warm-up (allocates the optimizer state)
    synchronize(args.device)
    start = time.perf_counter()
    for _ in range(args.steps):
        trainer.train_step()
    synchronize(args.device)
    seconds = (time.perf_counter() - start) / args.steps
    trained = sum(p.numel() for p in trainer.params)
    del trainer, pipeline
    return dict(
        seconds_per_step=seconds,
        peak_gib=peak_gib(args.device),
        trained_params_m=trained / 1e6)


def generation(shapes, tmp, args, size):
    """Images per second per batch size (fp16 on CUDA, fp32 on CPU)."""
    dtype = torch.float16 if args.device.startswith('cuda') else torch.float32
    pipeline = random_pipeline(shapes, tmp, args.device, dtype)
    pipeline.set_progress_bar_config(disable=True)
    results = {}
    for batch_size in args.batch_sizes:
        reset_peak(args.device)
        generators = [
            torch.Generator().manual_seed(j) for j in range(batch_size)
        ]
        kwargs = dict(
            prompt=['a photo of sks cars'] * batch_size,
            height=size,
            width=size,
            guidance_scale=7.5,
            generator=generators,
            output_type='np')
        pipeline(num_inference_steps=2, **kwargs)  # warm-up
        synchronize(args.device)
        start = time.perf_counter()
        pipeline(num_inference_steps=args.inference_steps, **kwargs)
        synchronize(args.device)
        seconds = time.perf_counter() - start
        results[batch_size] = dict(
            images_per_second=batch_size / seconds,
            minutes_for_2975=2975 * seconds / batch_size / 60,
            peak_gib=peak_gib(args.device))
    return results


def table(figures):
    fmt = lambda v, f: '-' if v is None else format(v, f)  # noqa: E731
    lines = [
        '| run | time | peak memory (GiB) | trained params (M) |',
        '|---|---|---|---|'
    ]
    for name in ('full', 'lora'):
        r = figures['personalisation'][name]
        lines.append(
            f'| DreamBooth {name}, batch 1 | {r["seconds_per_step"]:.3f} s/step | '
            f'{fmt(r["peak_gib"], ".1f")} | {r["trained_params_m"]:.3f} |')
    for batch_size, r in figures['generation'].items():
        lines.append(
            f'| generation, batch {batch_size} | {r["images_per_second"]:.2f} images/s '
            f'({r["minutes_for_2975"]:.1f} min for 2975) | '
            f'{fmt(r["peak_gib"], ".1f")} | - |')
    return '\n'.join(lines)


def main(argv=None):
    args = parse_args(argv)
    name = 'tiny_sd_shapes.py' if args.tiny else 'sd-v1-4_shapes.py'
    shapes = Config.fromfile(osp.join(CONFIGS, name)).sd_shapes.to_dict()
    size = 64 if args.tiny else 512
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as tmp:
        image = osp.join(tmp, 'one_shot.png')
        write_png(
            image,
            np.random.default_rng(0).integers(
                0, 256, (size * 2, size * 4, 3), dtype=np.uint8))
        figures = dict(
            device=args.device,
            tiny=args.tiny,
            torch=torch.__version__,
            gpu=torch.cuda.get_device_name()
            if args.device.startswith('cuda') else None,
            personalisation=dict(
                full=personalisation(
                    shapes, tmp, args, image, size, lora=False),
                lora=personalisation(
                    shapes, tmp, args, image, size, lora=True)),
            generation=generation(shapes, tmp, args, size))
    print(table(figures))
    mkdir_or_exist(osp.dirname(osp.abspath(args.out)))
    with open(args.out, 'w') as f:
        json.dump(figures, f, indent=1)
    return figures


if __name__ == '__main__':
    main()

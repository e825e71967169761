"""What HRDA costs next to DAFormer, from mmasm's own configs.

CPU, tiny shapes (default): HRDA / DAFormer ratios of the self-training
step time and of its peak memory at the same outer crop, and the inference
memory of sliding windows decoded as one batch vs one by one
(``test_cfg.batched_slide``). Each measurement runs in its own process;
peak memory is the growth of the process's maximum resident set over the
measured steps (``ru_maxrss``), so it includes activations, gradients and
optimizer state.

    python -m tools.benchmarks.bench_hrda_cost [--size 128] [--steps 3]

GPU: :func:`hrda_gpu_figures` (called by a GPU check script) times a
DACS step with an HRDA MiT-B5 student at the paper's 1024x1024 crops,
batch 2 source + 2 target, random weights and synthetic batches, with and
without the feature distance and MIC, and reads the peak GPU memory;
``tiny=True`` runs the same code on CPU with a tiny MiT and 128 crops.
"""
import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from statistics import median

import torch

REPO = Path(__file__).resolve().parents[2]
HRDA_CONFIG = REPO / 'configs/hrda/hrda_mit-b5_1xb2-40k_gta5-to-cityscapes-1024x1024.py'  # noqa: E501
DAFORMER_CONFIG = REPO / 'configs/daformer/daformer_mit-b5_1xb2-40k_gta5-to-cityscapes-512x512.py'  # noqa: E501
TINY_MIT = dict(
    type='MixVisionTransformer',
    in_channels=3,
    embed_dims=8,
    num_stages=2,
    num_layers=[1, 1],
    num_heads=[1, 2],
    patch_sizes=[7, 3],
    strides=[4, 2],
    sr_ratios=[4, 2],
    out_indices=(0, 1),
    mlp_ratio=2,
    qkv_bias=True)


def model_config(arm: str,
                 size: int,
                 tiny: bool,
                 fd: bool = True,
                 mic: bool = False) -> dict:
    """The DACS model of mmasm's HRDA (``arm='hrda'``) or DAFormer config
    with random weights at ``size`` crops (HRDA's detail crop: half)."""
    from mmengine.config import Config

    from mmasm.utils import register_config_packages
    register_config_packages()
    cfg = Config.fromfile(
        str(HRDA_CONFIG if arm == 'hrda' else DAFORMER_CONFIG)).model
    cfg.backbone.init_cfg = None
    cfg.pretrained = None
    cfg.data_preprocessor.size = (size, size)
    cfg.vis_interval = 0
    if not fd:
        cfg.pop('imnet_feature_dist')
    if mic:
        cfg.mic = dict(mask_ratio=0.7, block_size=64 if not tiny else 8)
    head = (
        cfg.decode_head.single_scale_head
        if arm == 'hrda' else cfg.decode_head)
    if tiny:
        cfg.backbone = dict(TINY_MIT)
        head.update(
            in_channels=[8, 16],
            in_index=[0, 1],
            embed_dims=16,
            channels=16,
            dilations=(1, 2))
    if arm == 'hrda':
        if tiny:
            cfg.decode_head.attention_embed_dim = 8
        cfg.hr_crop_size = (size // 2, size // 2)
        cfg.test_cfg.update(
            crop_size=(size, size), stride=(size // 2, size // 2))
    return cfg.to_dict()


def build_dacs(cfg: dict, device: str):
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import init_default_scope

    from mmasm.registry import MODELS
    init_default_scope('mmasm')
    torch.manual_seed(0)
    model = MODELS.build(cfg).to(device)
    model.init_weights()
    optim = build_optim_wrapper(
        model,
        dict(
            type='OptimWrapper',
            optimizer=dict(type='AdamW', lr=6e-5, weight_decay=0.01)))
    return model, optim


def synthetic_batch(size: int, batch: int = 2, seed: int = 0) -> dict:
    """``batch`` source images with labels and ``batch`` target images,
    as UDADataset's collated batch."""
    from mmengine.structures import PixelData
    from mmseg.structures import SegDataSample
    gen = torch.Generator().manual_seed(seed)

    def images():
        return [
            torch.randint(
                0, 256, (3, size, size), generator=gen, dtype=torch.uint8)
            for _ in range(batch)
        ]

    def samples(labelled):
        out = []
        for i in range(batch):
            sample = SegDataSample(
                metainfo=dict(
                    img_shape=(size, size),
                    ori_shape=(size, size),
                    pad_shape=(size, size),
                    draw_seed=seed * 10 + i))
            if labelled:  # blocks of classes, as a scene
                label = torch.randint(
                    0, 19, (1, size // 32 + 1, size // 32 + 1), generator=gen)
                label = label.repeat_interleave(32, 1).repeat_interleave(
                    32, 2)[:, :size, :size]
                sample.gt_sem_seg = PixelData(data=label)
            out.append(sample)
        return out

    return dict(
        inputs=images(),
        data_samples=samples(True),
        target_inputs=images(),
        target_data_samples=samples(False))


def time_steps(model, optim, data, steps: int, device: str) -> float:
    """Median seconds of ``steps`` DACS training steps (after one)."""
    model.train_step(data, optim)
    times = []
    for _ in range(steps):
        if device.startswith('cuda'):
            torch.cuda.synchronize()
        start = time.perf_counter()
        model.train_step(data, optim)
        if device.startswith('cuda'):
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return median(times)


def hrda_gpu_figures(tiny: bool = False,
                     steps: int = 3,
                     device: str = None) -> dict:
    """Step time (s) and peak memory (GiB; ``None`` on CPU) of a DACS step
    with an HRDA MiT-B5 student, batch 2 + 2 at 1024x1024 crops (random
    weights, synthetic batches), for ``hrda`` (no FD, no MIC), ``hrda_fd``
    (the HRDA config) and ``hrda_fd_mic`` (the MIC config), plus DAFormer
    at its 512 crops (``daformer_fd``). ``tiny``: a tiny MiT at 128 crops
    (64 for DAFormer), on CPU unless ``device`` says otherwise."""
    device = device or ('cpu' if tiny else 'cuda')
    size = 128 if tiny else 1024
    arms = dict(
        hrda=('hrda', size, False, False),
        hrda_fd=('hrda', size, True, False),
        hrda_fd_mic=('hrda', size, True, True),
        daformer_fd=('daformer', size // 2, True, False))
    figures = {}
    for name, (arm, crop, fd, mic) in arms.items():
        model, optim = build_dacs(
            model_config(arm, crop, tiny, fd, mic), device)
        data = synthetic_batch(crop)
        if device.startswith('cuda'):
            torch.cuda.empty_cache()
            torch.cuda.reset_peak_memory_stats(device)
        step = time_steps(model, optim, data, steps, device)
        peak = (
            torch.cuda.max_memory_allocated(device) /
            2**30 if device.startswith('cuda') else None)
        figures[name] = dict(crop=crop, step_s=step, peak_mem_gib=peak)
        del model, optim
    return figures


# -- CPU side by side, one process per measurement ----------------------
def _max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_train(arm: str, size: int, steps: int) -> dict:
    model, optim = build_dacs(model_config(arm, size, tiny=True), 'cpu')
    data = synthetic_batch(size)
    before = _max_rss_mib()
    step = time_steps(model, optim, data, steps, 'cpu')
    return dict(step_s=step, peak_mib=_max_rss_mib() - before)


def child_slide(batched: bool, size: int) -> dict:
    cfg = model_config('hrda', size, tiny=True)
    cfg['test_cfg']['batched_slide'] = batched
    model, _ = build_dacs(cfg, 'cpu')
    network = model.segmentor_module.eval()
    inputs = torch.randn(1, 3, size * 2, size * 4)
    metas = [
        dict(
            img_shape=inputs.shape[2:],
            ori_shape=inputs.shape[2:],
            pad_shape=inputs.shape[2:])
    ]
    before = _max_rss_mib()
    start = time.perf_counter()
    with torch.no_grad():
        network.slide_inference(inputs, metas)
    return dict(
        seconds=time.perf_counter() - start, peak_mib=_max_rss_mib() - before)


def run_child(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, '--child', *args],
                         check=True,
                         capture_output=True,
                         text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def cpu_comparison(size: int = 128, steps: int = 3) -> dict:
    """HRDA vs DAFormer steps at the same outer crop and batched vs
    sequential slide inference, each in a fresh process."""
    return dict(
        hrda=run_child('train', 'hrda', str(size), str(steps)),
        daformer=run_child('train', 'daformer', str(size), str(steps)),
        slide_batched=run_child('slide', '1', str(size)),
        slide_sequential=run_child('slide', '0', str(size)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--size', type=int, default=128)
    parser.add_argument('--steps', type=int, default=3)
    parser.add_argument('--child', nargs='+', help=argparse.SUPPRESS)
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.child:
        kind, *rest = args.child
        result = (
            child_train(rest[0], int(rest[1]), int(rest[2]))
            if kind == 'train' else child_slide(rest[0] == '1', int(rest[1])))
        print(json.dumps(result))
        return
    result = cpu_comparison(args.size, args.steps)
    hrda, daformer = result['hrda'], result['daformer']
    print(f'CPU, 1 thread, tiny MiT, {args.size}x{args.size} crops, '
          f'batch 2 + 2, FD on')
    print(f'  DAFormer step {daformer["step_s"]:.3f} s, peak '
          f'+{daformer["peak_mib"]:.0f} MiB')
    print(f'  HRDA     step {hrda["step_s"]:.3f} s, peak '
          f'+{hrda["peak_mib"]:.0f} MiB')
    step_ratio = hrda['step_s'] / daformer['step_s']
    memory_ratio = hrda['peak_mib'] / max(daformer['peak_mib'], 1)
    print(f'  HRDA / DAFormer: step x{step_ratio:.2f}, peak memory '
          f'x{memory_ratio:.2f}')
    for name in ('slide_batched', 'slide_sequential'):
        r = result[name]
        print(f'  {name}: {r["seconds"]:.3f} s, peak +{r["peak_mib"]:.0f} '
              f'MiB ({args.size * 2}x{args.size * 4} image)')


if __name__ == '__main__':
    main()

"""The figures a GPU machine gives in one call (at most 8 minutes): one JSON.

Each check is a named function ``check(tiny) -> dict`` in :data:`CHECKS`;
they run in order, each under its own try (an error is recorded, the rest
still run) and the JSON is rewritten after each, so a run cut short keeps
what it measured:

* ``daformer_self_training``: DAFormer MiT-B5 (random weights, synthetic
  batches of 2 source + 2 target 512x512 crops) train-step time and peak
  memory, without FD / MIC, with FD, with MIC, with both;
* ``hrda_self_training``: the same for HRDA MiT-B5 at 1024x1024 crops
  (context 512 + detail 512), without FD / MIC, with FD, with FD + MIC,
  beside DAFormer at 512 (bench_hrda_cost.py);
* ``asm_deeplabv2``: ASM on DeepLab-v2 R101 at 1024x512, mmasm's runner
  in float32 and AMP beside the authors' loop rebuilt by
  bench_asm_vs_authors.py (its own processes);
* ``datum``: DATUM DreamBooth step (full and LoRA) peak memory and
  images/s of generation at 512x512, SD v1.4 shapes, random weights
  (bench_datum.py).

``--tiny`` runs everything on the CPU with tiny shapes (the test does)::

    python -m tools.benchmarks.bench_gpu_check --out work_dirs/gpu_check.json
    python -m tools.benchmarks.bench_gpu_check --tiny --out /tmp/gpu_check.json
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[2]
DAFORMER_CFG = REPO / (
    'configs/daformer/daformer_mit-b5_1xb2-40k_gta5-to-cityscapes-512x512.py')
ARMS = {
    'plain': dict(imnet_feature_dist=None, mic=None),
    'fd': dict(mic=None),
    'mic': dict(imnet_feature_dist=None),
    'fd+mic': dict(),
}


def device():
    return 'cuda' if torch.cuda.is_available() else 'cpu'


def synchronize():
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def peak_gib():
    if not torch.cuda.is_available():
        return None
    return torch.cuda.max_memory_allocated() / 2**30


def _daformer_cfg(tiny, arm):
    """DAFormer's config (MiT-B5, DAFormer head, FD) with MIC, random
    weights; ``arm`` switches FD / MIC off."""
    from mmengine.config import Config
    cfg = Config.fromfile(str(DAFORMER_CFG)).model.to_dict()
    cfg['backbone']['init_cfg'] = None
    if tiny:
        cfg['backbone'].update(embed_dims=8, num_layers=[1, 1, 1, 1])
        cfg['decode_head'].update(
            in_channels=[8, 16, 40, 64], embed_dims=16, channels=16)
    size = 32 if tiny else 512
    cfg['data_preprocessor']['size'] = (size, size)
    cfg['mic'] = dict(mask_ratio=0.7, block_size=16 if tiny else 32)
    cfg.update(arm, vis_interval=0)
    return cfg, size


def _uda_batch(size, dev):
    from mmengine.structures import PixelData
    from mmseg.structures import SegDataSample
    gen = torch.Generator().manual_seed(0)
    batch = dict(
        inputs=[], data_samples=[], target_inputs=[], target_data_samples=[])
    for i in range(2):
        meta = dict(
            img_shape=(size, size), ori_shape=(size, size), draw_seed=i)
        sample = SegDataSample(metainfo=meta)
        sample.gt_sem_seg = PixelData(
            data=torch.randint(0, 19, (1, size, size), generator=gen))
        batch['inputs'].append(
            torch.randint(
                0, 256, (3, size, size), generator=gen, dtype=torch.uint8))
        batch['data_samples'].append(sample)
        batch['target_inputs'].append(
            torch.randint(
                0, 256, (3, size, size), generator=gen, dtype=torch.uint8))
        batch['target_data_samples'].append(SegDataSample(metainfo=meta))
    return batch


def daformer_figures(tiny):
    """DAFormer MiT-B5 self-training step: seconds and peak GiB per arm."""
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import init_default_scope

    from mmasm.registry import MODELS
    init_default_scope('mmasm')
    warmup, iters = (0, 1) if tiny else (3, 10)
    out = dict(batch='2 source + 2 target', warmup=warmup, iters=iters)
    for name, arm in ARMS.items():
        cfg, size = _daformer_cfg(tiny, arm)
        torch.manual_seed(0)
        model = MODELS.build(cfg).to(device())
        model.init_weights()
        wrapper = build_optim_wrapper(
            model,
            dict(type='OptimWrapper', optimizer=dict(type='AdamW', lr=6e-5)))
        data = _uda_batch(size, device())
        if torch.cuda.is_available():
            torch.cuda.reset_peak_memory_stats()
        for _ in range(warmup):
            model.train_step(data, wrapper)
        synchronize()
        start = time.perf_counter()
        for _ in range(iters):
            model.train_step(data, wrapper)
        synchronize()
        seconds = (time.perf_counter() - start) / iters
        out[name] = dict(
            crop=size, seconds_per_step=seconds, peak_gib=peak_gib())
        del model, wrapper
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
    return out


def asm_figures(tiny):
    """bench_asm_vs_authors.py's arms in its own processes (JSON lines)."""
    with tempfile.TemporaryDirectory() as tmp:
        results = os.path.join(tmp, 'asm.jsonl')
        if tiny:
            args = [
                '--models', 'deeplabv2_r18', '--sizes', '64x32', '--device',
                'cpu', '--rounds', '1', '--iters', '1', '--warmup', '0',
                '--arms', 'authors', 'runner'
            ]
        else:
            args = [
                '--models', 'deeplabv2_r101', '--sizes', '1024x512',
                '--device', 'cuda', '--rounds', '1', '--iters', '3', '--amp',
                '--arms', 'authors', 'runner'
            ]  # + runner-amp
        proc = subprocess.run([
            sys.executable, '-m', 'tools.benchmarks.bench_asm_vs_authors',
            *args, '--results', results
        ],
                              cwd=REPO,
                              capture_output=True,
                              text=True,
                              timeout=240 if not tiny else 150)
        if proc.returncode:
            raise RuntimeError(proc.stderr[-2000:])
        with open(results) as f:
            rows = [json.loads(line) for line in f if line.strip()]
    return dict(
        args=args,
        table=proc.stdout[-3000:],
        runs=[{
            k: r.get(k)
            for k in ('arm', 'model', 'size', 'times', 'peak_mib', 'losses')
        } for r in rows])


def datum_figures(tiny):
    """bench_datum.py's figures (personalisation full / LoRA, generation)."""
    from tools.benchmarks import bench_datum
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'datum.json')
        if tiny:
            argv = [
                '--tiny', '--device', 'cpu', '--steps', '1', '--batch-sizes',
                '1', '--inference-steps', '2'
            ]
        else:
            argv = [
                '--device', 'cuda', '--steps', '3', '--batch-sizes', '1', '4',
                '--inference-steps', '20'
            ]
        return bench_datum.main([*argv, '--out', out])


def hrda_figures(tiny):
    """HRDA (MiT-B5, 1024x1024 crops, batch 2 + 2) step time and peak
    memory without FD / MIC, with FD, with FD + MIC, beside DAFormer at 512
    (bench_hrda_cost.py)."""
    from tools.benchmarks import bench_hrda_cost
    return bench_hrda_cost.hrda_gpu_figures(tiny=tiny)


#: name -> check(tiny); add a check here to have it run and reported.
CHECKS = {
    'daformer_self_training': daformer_figures,
    'hrda_self_training': hrda_figures,
    'asm_deeplabv2': asm_figures,
    'datum': datum_figures,
}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--tiny', action='store_true', help='CPU, tiny shapes')
    p.add_argument(
        '--checks', nargs='+', choices=list(CHECKS), default=list(CHECKS))
    p.add_argument('--out', default='work_dirs/gpu_check.json')
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    report = dict(
        device=torch.cuda.get_device_name()
        if torch.cuda.is_available() else 'cpu',
        torch=torch.__version__,
        tiny=args.tiny,
        checks={})
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    for name in args.checks:
        start = time.perf_counter()
        try:
            figures = dict(ok=True, figures=CHECKS[name](args.tiny))
        except Exception:  # noqa: BLE001 -- the other checks still run
            figures = dict(ok=False, error=traceback.format_exc()[-3000:])
        figures['seconds'] = time.perf_counter() - start
        report['checks'][name] = figures
        with open(args.out, 'w') as f:
            json.dump(report, f, indent=1, default=str)
        print(
            f'{name}: {"ok" if figures["ok"] else "FAILED"} '
            f'({figures["seconds"]:.1f} s)',
            flush=True)
    return report


if __name__ == '__main__':
    main()

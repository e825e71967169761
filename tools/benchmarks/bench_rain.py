"""Throughput and peak memory of RAIN stylization on CPU.

Each variant runs in its own process. Memory is the kernel's resident set
size (RSS) of that process: "peak RSS" is the high-water mark (VmHWM, reset
through /proc/self/clear_refs after the warm-up batches) over the timed
batches; "RSS growth" is that peak minus the RSS right after building the
model and inputs, i.e. what stylizing adds on top of the weights and the
imports (activations, allocator caches, compiled code).

    python -m tools.benchmarks.bench_rain                # batch 4, 512x256
    python -m tools.benchmarks.bench_rain --compile      # + torch.compile
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import torch

VARIANTS = ('eager', 'eager+channels_last', 'inference_mode',
            'inference_mode+channels_last', 'inference_mode+anchor_recomputed')
COMPILED = ('compile+inference_mode', 'compile+inference_mode+channels_last')
NOTES = {
    'eager': 'default autograd mode (graph recorded: decoder and VAE '
    'weights require grad), cached anchor',
    'eager+channels_last': 'autograd mode, model and images in '
    'channels_last',
    'inference_mode': 'torch.inference_mode(), cached anchor',
    'inference_mode+channels_last': 'model and images in channels_last',
    'inference_mode+anchor_recomputed': 'anchor (psi, xi) = E_vae(E(x_T)) '
    'recomputed for every batch',
    'compile+inference_mode': 'torch.compile (inductor), default mode',
    'compile+inference_mode+channels_last': 'torch.compile + channels_last',
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--batch', type=int, default=4)
    parser.add_argument('--width', type=int, default=512)
    parser.add_argument('--height', type=int, default=256)
    parser.add_argument(
        '--iters',
        type=int,
        default=2,
        help='timed batches per variant and round')
    parser.add_argument(
        '--rounds',
        type=int,
        default=2,
        help='rounds over all variants, interleaved so that '
        'load from other processes hits all of them alike')
    parser.add_argument(
        '--warmup',
        type=int,
        default=1,
        help='untimed batches first (compilation for compile)')
    parser.add_argument(
        '--compile',
        action='store_true',
        help='also benchmark torch.compile variants')
    parser.add_argument(
        '--variants',
        nargs='+',
        metavar='NAME',
        choices=VARIANTS + COMPILED,
        help='run only these (eager is always included)')
    parser.add_argument('--variant', help=argparse.SUPPRESS)
    return parser.parse_args()


def rss_mib(field: str) -> float:
    """``VmRSS`` (current) or ``VmHWM`` (high-water mark) of this process."""
    with open('/proc/self/status') as status:
        for line in status:
            if line.startswith(field + ':'):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f'no {field} in /proc/self/status')


def reset_peak_rss() -> None:
    with open('/proc/self/clear_refs', 'w') as clear_refs:
        clear_refs.write('5')  # resets VmHWM to the current RSS


def build(variant, args):
    from mmasm.models.rain import RAIN
    torch.manual_seed(0)
    rain = RAIN().eval()
    content = torch.rand(args.batch, 3, args.height, args.width)
    target = torch.rand(1, 3, args.height, args.width)
    if 'channels_last' in variant:
        rain = rain.to(memory_format=torch.channels_last)
        content = content.contiguous(memory_format=torch.channels_last)
        target = target.contiguous(memory_format=torch.channels_last)
    with torch.inference_mode():
        anchor = rain.anchor(target)  # computed once, then cached
    gen = torch.Generator().manual_seed(0)

    def step():
        psi, xi = rain.anchor(target) if 'recomputed' in variant else anchor
        eps = rain.sample_eps(args.batch, psi, xi, gen)
        return rain.stylize(content, eps)

    if variant.startswith('compile'):
        step = torch.compile(step)
    if variant == 'eager':
        return step
    return torch.inference_mode()(step)


def run_variant(variant, args):
    """Child process: time one variant, print a JSON line."""
    step = build(variant, args)
    rss_before = rss_mib('VmRSS')
    start = time.perf_counter()
    for _ in range(args.warmup):
        step()
    warmup_s = time.perf_counter() - start
    reset_peak_rss()
    times = []
    for _ in range(args.iters):
        start = time.perf_counter()
        out = step()
        times.append(time.perf_counter() - start)
    assert out.shape == (args.batch, 3, args.height, args.width)
    print(
        json.dumps(
            dict(
                variant=variant,
                times=times,
                warmup_s=warmup_s,
                rss_before=rss_before,
                rss_peak=rss_mib('VmHWM'))))


def spawn(variant, args):
    cmd = [
        sys.executable, __file__, '--variant', variant, '--batch',
        str(args.batch), '--width',
        str(args.width), '--height',
        str(args.height), '--iters',
        str(args.iters), '--warmup',
        str(args.warmup)
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        return dict(
            variant=variant,
            error=proc.stderr.strip().splitlines()[-1]
            if proc.stderr.strip() else f'exit {proc.returncode}')
    return json.loads(proc.stdout.strip().splitlines()[-1])


def merge(runs):
    """One result per variant from its rounds (times pooled, worst memory)."""
    failed = [r for r in runs if 'error' in r]
    if failed:
        return failed[0]
    return dict(
        variant=runs[0]['variant'],
        times=[t for r in runs for t in r['times']],
        warmup_s=max(r['warmup_s'] for r in runs),
        rss_peak=max(r['rss_peak'] for r in runs),
        rss_growth=max(r['rss_peak'] - r['rss_before'] for r in runs))


def table(results, args):
    eager = next(r for r in results if r['variant'] == 'eager')
    base_t = statistics.median(eager['times'])
    base_m = eager['rss_growth']
    rows = [
        '| variant | s / batch (median, min-max) | images/s | speed vs '
        'eager | peak RSS MiB | RSS growth MiB | growth vs eager | '
        'warm-up s |', '|' + ' --- |' * 8
    ]
    for r in results:
        if 'error' in r:
            rows.append(f'| {r["variant"]} | failed: {r["error"]} |' +
                        ' |' * 6)
            continue
        t = statistics.median(r['times'])
        grow = r['rss_growth']
        rows.append(f'| {r["variant"]} | {t:.2f} ({min(r["times"]):.2f}-'
                    f'{max(r["times"]):.2f}) | {args.batch / t:.2f} | '
                    f'{base_t / t:.2f}x | {r["rss_peak"]:.0f} | {grow:.0f} | '
                    f'{grow / base_m:.2f}x | {r["warmup_s"]:.1f} |')
    return '\n'.join(rows)


def main():
    args = parse_args()
    if args.variant:
        run_variant(args.variant, args)
        return
    print(f'# RAIN stylization, batch {args.batch}, {args.width}x'
          f'{args.height} (W x H), CPU\n')
    print(f'command: python {" ".join(sys.argv)}')
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads, '
          f'{os.cpu_count()} CPUs, load average at start '
          f'{os.getloadavg()[0]:.1f}; per variant {args.rounds} rounds '
          f'(fresh process each) of {args.warmup} warm-up + {args.iters} '
          f'timed batches\n')
    variants = VARIANTS + (COMPILED if args.compile else ())
    if args.variants:
        variants = ['eager'] + [v for v in args.variants if v != 'eager']
    runs = {v: [] for v in variants}
    for round_ in range(args.rounds):
        for variant in variants:
            runs[variant].append(spawn(variant, args))
            print(f'  round {round_}: {variant}', file=sys.stderr, flush=True)
    print(table([merge(r) for r in runs.values()], args))
    print(f'\nload average at end {os.getloadavg()[0]:.1f}\n')
    for variant in variants:
        print(f'- {variant}: {NOTES[variant]}')


if __name__ == '__main__':
    main()

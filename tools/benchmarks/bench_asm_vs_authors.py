"""ASM: mmasm against the authors' training loop, at equal work, side by side.

The arms train the same mmseg DeepLab-v2 segmentor (same initial weights,
same batches, same eps draws) with ASM for a few iterations:

* ``authors``: the per-step work of RoyalVane/ASM's ``ASM_train.py``,
  rewritten around the mmseg segmentor: each of the n steps re-encodes
  the source and the target with the VGG encoder, runs the style VAE and the
  decoder with their weights requiring gradients (the authors never freeze
  them), feeds ``[stylized, source]`` to the segmentor with BN in train
  mode, upsamples the logits, adds the consistency loss on the per-channel
  norms of pre-BN conv outputs (all blocks recorded, layer4's used), calls
  ``backward(retain_graph=True)``, moves eps by ``20 / loss * grad`` and
  steps SGD. Their focal loss and position-attention module are left out
  (mmasm has neither), so that the segmentor's math is the same.
* ``runner``: mmasm's path, ``ASMHook`` in mmengine's Runner, with the
  authors' switches (``norm_eval=False``, ``consistency_mode='authors'``,
  ``step_rule='authors'``, ``keep_source``, ``clamp_stylized=False``,
  anchor at the crop size).
* ``api``: mmasm's plain-PyTorch API (``AdversarialStyleMining`` and the
  segmentor's ``loss``) with the same switches.
* ``segmentor-only``: the floor, the segmentor's n steps on [source,
  source] without any RAIN work (what no ASM implementation can beat).
* ``runner-defaults`` (``--arms``): the Runner path with mmasm's shipped
  switches (frozen BN in eval mode, paper consistency and ascent, clamp);
  not equal math, and with the random weights here (BN statistics 0 / 1)
  its loss diverges, so its time is indicative only.
* ``runner-channels-last`` (``--arms``): the runner arm with
  ``ChannelsLastHook`` (weights and activations in NHWC): the same math,
  other convolution kernels.
* ``runner-amp`` (``--amp``): the runner arm as ``tools/train.py --amp``
  trains it, in channels_last: on a GPU mmengine's ``AmpOptimWrapper``
  (fp16, dynamic loss scale), on a CPU ``BF16OptimWrapper`` (bfloat16
  autocast); not equal work (rounded activations), reported on its own.

Equal work is checked: every arm logs the loss of each optimizer step, and
with the same seeds the fp32 arms' losses agree (printed as the largest
relative difference to the authors' arm, at the first step and over all
steps). Times are wall and CPU (process) seconds; with one thread the CPU
time is the work done, which a shared machine does not inflate. Each arm
runs in a fresh process per round (rounds interleave the arms), so its peak
memory is its own
(CPU: peak RSS above the footprint after imports; GPU:
``torch.cuda.max_memory_allocated``).

    python -m tools.benchmarks.bench_asm_vs_authors --models deeplabv2_r18 --sizes 256x128
    python -m tools.benchmarks.bench_asm_vs_authors --sizes 512x256 1024x512 --rounds 2
    python -m tools.benchmarks.bench_asm_vs_authors --models deeplabv2_r101 --amp \
        --arms authors runner runner-channels-last segmentor-only
    python -m tools.benchmarks.bench_asm_vs_authors --device cuda --amp --sizes 512x256 1024x512
"""
import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from tools.benchmarks.side_by_side.asm_arms import (ARM_RUNNERS, FP32_ARMS,
                                                    MODELS, SEARCH_DEPTH,
                                                    run_arm, write_inputs)

#: The children run ``python -m`` this module from the repository root.
REPO_ROOT = Path(__file__).resolve().parents[2]


def loss_differences(arm, reference):
    """Relative differences of two arms' losses: at the first optimizer
    step (same weights, same eps: equal forward math) and the largest over
    all steps (later steps inherit float rounding through eps and SGD)."""
    pairs = [(a, b) for la, lb in zip(arm['losses'], reference['losses'])
             for a, b in zip(la, lb)]
    diffs = [abs(a - b) / max(abs(b), 1e-12) for a, b in pairs]
    return diffs[0], max(diffs)


def median_of(rows, key):
    return statistics.median(t for r in rows for t in r[key])


def summarize(results):
    """One row per model, size and arm: median wall and CPU seconds per
    iteration over all rounds, speed-up over the authors' loop (authors'
    time / arm's time), peak memory and loss agreement."""
    lines = [
        '| segmentor | crop | arm | wall s / iter | x authors (wall) | CPU s / iter | '
        'x authors (CPU) | peak MiB | x authors | loss diff: 1st step / max |',
        '|---|---|---|---|---|---|---|---|---|---|'
    ]
    keys = sorted({(r['model'], tuple(r['size'])) for r in results}, key=str)
    for model, size in keys:
        rows = {}
        for r in results:
            if r['model'] == model and tuple(r['size']) == size:
                rows.setdefault(r['arm'], []).append(r)
        ref = rows['authors']
        ref_wall, ref_cpu = median_of(ref,
                                      'times'), median_of(ref, 'cpu_times')
        ref_mem = statistics.median(r['peak_mib'] for r in ref)
        for arm in sorted(rows, key=list(ARM_RUNNERS).index):
            wall, cpu = median_of(rows[arm],
                                  'times'), median_of(rows[arm], 'cpu_times')
            mem = statistics.median(r['peak_mib'] for r in rows[arm])
            if arm in ('runner', 'api', 'authors',
                       'runner-channels-last'):  # equal math
                diff = '{:.0e} / {:.0e}'.format(
                    *loss_differences(rows[arm][0], ref[0]))
            else:
                diff = 'n/a (other work)'
            lines.append(
                f'| {model} | {size[1]}x{size[0]} | {arm} | {wall:.2f} | '
                f'{ref_wall / wall:.2f} | {cpu:.2f} | {ref_cpu / cpu:.2f} | {mem:.0f} | '
                f'{mem / ref_mem:.2f} | {diff} |')
    return '\n'.join(lines)


def parse_size(text):
    width, height = map(int, text.lower().split('x'))
    return height, width


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--models', nargs='+', default=list(MODELS), choices=MODELS)
    parser.add_argument(
        '--sizes',
        nargs='+',
        default=['512x256'],
        metavar='WxH',
        help='crop sizes, width x height (e.g. 512x256 1024x512)')
    parser.add_argument('--batch-size', type=int, default=1)
    parser.add_argument(
        '--iters', type=int, default=2, help='timed iterations per process')
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument(
        '--rounds',
        type=int,
        default=2,
        help='fresh processes per arm, arms interleaved')
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--device', default='cpu')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='add the Runner arm as tools/train.py --amp trains it (GPU: '
        "mmengine's AmpOptimWrapper; CPU: BF16OptimWrapper), channels_last")
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--arms',
        nargs='+',
        default=list(FP32_ARMS),
        choices=[a for a in ARM_RUNNERS if a != 'runner-amp'],
        help="runner-defaults: mmasm's shipped switches (frozen BN in eval "
        'mode, paper consistency and step, clamp): not equal work, and with '
        'random weights (BN statistics 0 / 1) its loss diverges: timing only')
    parser.add_argument(
        '--results', help='append each process\'s figures (JSON lines) here')
    parser.add_argument(
        '--summarize',
        nargs='+',
        metavar='RESULTS',
        help='print the table of earlier --results files and exit')
    parser.add_argument(
        '--arm', choices=list(ARM_RUNNERS), help=argparse.SUPPRESS)
    parser.add_argument('--model', choices=MODELS, help=argparse.SUPPRESS)
    parser.add_argument('--size', type=int, nargs=2, help=argparse.SUPPRESS)
    parser.add_argument('--tmp', help=argparse.SUPPRESS)
    parser.add_argument(
        '--write-inputs', action='store_true', help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def child_command(args, arm, model, size, tmp):
    return [
        sys.executable, '-m', __spec__.name, '--arm', arm, '--model', model,
        '--tmp', tmp, '--size', *map(str, size), '--batch-size',
        str(args.batch_size), '--iters',
        str(args.iters), '--warmup',
        str(args.warmup), '--threads',
        str(args.threads), '--device', args.device, '--seed',
        str(args.seed)
    ]


def run_rounds(args, arms, model, size):
    """Every arm ``args.rounds`` times, each in a fresh process, the arms'
    order rotated from round to round; yields each process's figures."""
    with tempfile.TemporaryDirectory() as tmp:
        # the inputs are written by this script in a child process of its
        # own (as the arms run), not by this process
        subprocess.run([
            sys.executable, '-m', __spec__.name, '--write-inputs', '--model',
            model, '--tmp', tmp, '--size', *map(str, size)
        ],
                       check=True,
                       cwd=REPO_ROOT,
                       stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        for round_index in range(args.rounds):
            shift = round_index % len(arms)
            for arm in arms[shift:] + arms[:shift]:
                out = subprocess.run(
                    child_command(args, arm, model, size, tmp),
                    check=True,
                    cwd=REPO_ROOT,
                    capture_output=True,
                    text=True).stdout
                yield round_index, json.loads(out.strip().splitlines()[-1])


def main(argv=None):
    args = parse_args(argv)
    if args.write_inputs:  # a child process: the inputs of every arm
        write_inputs(args.tmp, args.model, tuple(args.size))
        return
    if args.arm:  # a child process: one arm, one round
        args.size = tuple(args.size)
        print(json.dumps(run_arm(args)))
        return
    if args.summarize:
        results = [
            json.loads(line) for path in args.summarize for line in open(path)
        ]
        print(summarize(results))
        return
    arms = list(args.arms) + (['runner-amp'] if args.amp else [])
    if 'authors' not in arms:
        raise SystemExit("--arms must include 'authors', the reference")
    results = []
    for size in map(parse_size, args.sizes):
        for model in args.models:
            for round_index, r in run_rounds(args, arms, model, size):
                results.append(r)
                if args.results:
                    with open(args.results, 'a') as f:
                        f.write(json.dumps(r) + '\n')
                print(
                    f'{model} {size[1]}x{size[0]} round {round_index} {r["arm"]:15s} '
                    f'wall {r["times"]} cpu {r["cpu_times"]} s/iter '
                    f'{r["peak_mib"]:.0f} MiB losses {r["losses"]}',
                    flush=True)
    print(
        f'\n{args.device}, batch {args.batch_size} (+ its stylized copies), search depth '
        f'{SEARCH_DEPTH}, {args.threads} threads, {args.rounds} rounds x {args.iters} timed '
        f'iterations after {args.warmup} warm-up, fresh process per arm and round\n'
    )
    print(summarize(results))


if __name__ == '__main__':
    main()

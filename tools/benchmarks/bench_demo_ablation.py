"""The adaptation benchmark: the arms of the ASM paper's Table 4 (plus ASH,
LRM and self-training) on the demo domain pair, with several one-shot images (seeds).

    python -m tools.benchmarks.bench_demo_ablation [--seeds 0 1 2] [--arms ...]

Every arm trains the same small DeepLab-v2 on the same data for the same
number of optimizer steps (configs in ``mmasm.demo.DEMO_ARMS``; LRM first
trains its translator on the seed's one-shot image); seed ``s`` uses
the ``s``-th target train image as the one-shot image and ``s`` as the
training seed. Reports target-val mIoU13 (mean and std over seeds) and
per-class IoU, with the fully supervised target model as the upper bound,
as ``WORK_DIR/ablation.md`` and ``WORK_DIR/ablation.png``. Finished runs
(``WORK_DIR/<arm>/seed<s>/metrics.json``) are reused; ``--force`` reruns.
The demo pair and its RAIN come from the quickstart's steps
(``tools.benchmarks.demo_ablation.run_benchmark``).
"""
import argparse
import os.path as osp

from mmasm.demo import ARM_LABELS, DEFAULT_DATA, DEFAULT_RAIN
from tools.benchmarks.demo_ablation import run_benchmark


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', default='work_dirs/ablation')
    parser.add_argument('--data', default=DEFAULT_DATA)
    parser.add_argument(
        '--rain-dir',
        default=osp.dirname(DEFAULT_RAIN),
        help='where the demo RAIN is (trained there if missing)')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument(
        '--arms',
        nargs='+',
        default=list(ARM_LABELS),
        choices=list(ARM_LABELS))
    parser.add_argument(
        '--max-steps',
        type=int,
        default=None,
        help='optimizer steps per run (default: the configs\')')
    parser.add_argument(
        '--lrm-iters',
        type=int,
        default=None,
        help='LRM translator iterations (default: the config\'s)')
    parser.add_argument(
        '--force', action='store_true', help='rerun finished runs')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    return run_benchmark(args.work_dir, args.data, args.rain_dir, args.seeds,
                         args.arms, args.max_steps, args.lrm_iters, args.force)


if __name__ == '__main__':
    main()

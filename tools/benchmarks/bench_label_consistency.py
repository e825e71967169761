"""Label-consistency scores of mmasm's image generators on the demo pair
(the FCN-score of the CycleGAN paper): the target-supervised demo segmentor
segments source images stylized by each generator (raw source, RAIN random /
anchored, ASM per search depth, ASH, LRM), scored against the source labels.

    python -m tools.benchmarks.bench_demo_ablation --arms source-only target-supervised ash lrm
    python -m tools.benchmarks.bench_label_consistency [--seeds 0 1 2]

Reads the benchmark's finished runs in ``--bench-dir``; writes
``style_scores.md``, ``style_scores.json`` and one picture per seed
(``style_seed<s>.png``: a row per generator) into ``--work-dir``.
"""
import argparse

from mmasm.demo import DEFAULT_DATA, DEFAULT_RAIN
from mmasm.utils import register_config_packages
from tools.benchmarks.demo_ablation.style_scores import (GENERATORS,
                                                         run_style_scores)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', default='work_dirs/style_scores')
    parser.add_argument(
        '--bench-dir',
        default='work_dirs/ablation',
        help='the work dir of tools/benchmarks/bench_demo_ablation.py')
    parser.add_argument('--data', default=DEFAULT_DATA)
    parser.add_argument(
        '--rain', default=DEFAULT_RAIN, help='the demo RAIN checkpoint')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument(
        '--generators',
        nargs='+',
        default=list(GENERATORS),
        choices=list(GENERATORS))
    parser.add_argument(
        '--num-images',
        type=int,
        default=100,
        help='source images scored (the first ones)')
    parser.add_argument(
        '--asm-step-size',
        type=float,
        default=None,
        help="the ASM arm's ascent step (default: its config's)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    register_config_packages()
    return run_style_scores(
        args.work_dir,
        args.bench_dir,
        args.data,
        args.rain,
        args.seeds,
        args.generators,
        args.num_images,
        asm_step_size=args.asm_step_size)


if __name__ == '__main__':
    main()

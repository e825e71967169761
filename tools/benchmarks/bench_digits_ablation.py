"""The digits demo benchmark: source-only, random, anchored, ASM and a
target-supervised upper bound through mmpretrain, with several one-shot
images (seeds).

    OMP_NUM_THREADS=1 python -m tools.benchmarks.bench_digits_ablation [--seeds 0 1 2] [--arms ...]

Every arm trains the same small ResNet-18 (configs/demo_digits/) on
batches of 16 for the same 1500 optimizer steps; seed ``s`` uses the pair's
``s``-th one-shot image and ``s`` as the training seed. Reports top-1
accuracy on the target test split (mean ± std over seeds) as
``WORK_DIR/digits_ablation.md`` and ``.png``. The pair
(tools/make_digit_domains.py) and the digits RAIN
(configs/rain/rain_digits-relu2_1_cpu.py) are made first if missing. Finished runs
are reused; ``--force`` reruns.
"""
import argparse

from tools.benchmarks.digits.runs import (DIGIT_ARMS, DIGITS_DATA, DIGITS_RAIN,
                                          run_digits_benchmark)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', default='work_dirs/digits_ablation')
    parser.add_argument('--data', default=DIGITS_DATA)
    parser.add_argument(
        '--rain',
        default=DIGITS_RAIN,
        help='digits RAIN weights (pretrained there if missing)')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument(
        '--arms',
        nargs='+',
        default=list(DIGIT_ARMS),
        choices=list(DIGIT_ARMS))
    parser.add_argument(
        '--force', action='store_true', help='rerun finished runs')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    return run_digits_benchmark(args.work_dir, args.data, args.rain,
                                args.seeds, args.arms, args.force)


if __name__ == '__main__':
    main()

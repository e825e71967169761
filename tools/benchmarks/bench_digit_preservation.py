"""Does a digits RAIN keep the digit? The digit-preservation score of RAIN
candidates: top-1 accuracy of the digits demo's source-only classifier on
source images stylized by each RAIN (random and anchored styles), against
the source labels; no target label is used.

    OMP_NUM_THREADS=1 python -m tools.benchmarks.bench_digit_preservation \
        --rains relu4_1-1800=work_dirs/rain_digits/iter_1800.pth \
                relu2_1=work_dirs/rain_digits-relu2_1/rain_digits-relu2_1.pth \
        --classifier-run work_dirs/digits_ablation/source-only/seed0 --data data/digits

Writes ``OUT/digit_preservation.md`` / ``.json`` and ``OUT/<name>.png``
(rows: source, random, anchored, ASM search steps 1..5; 8 source images).
See ``tools/benchmarks/digits/preservation.py``.
"""
import argparse
import json
import os
import os.path as osp

from tools.benchmarks.digits.preservation import preservation_table, score_rain
from tools.benchmarks.digits.runs import DIGITS_DATA


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--rains',
        nargs='+',
        required=True,
        metavar='NAME=CHECKPOINT',
        help='RAIN candidates (weights or RAIN-pretraining checkpoints)')
    parser.add_argument(
        '--classifier-run',
        default='work_dirs/digits_ablation/source-only/seed0',
        help='work dir of a finished source-only digits run')
    parser.add_argument('--data', default=DIGITS_DATA)
    parser.add_argument('--num-images', type=int, default=1797)
    parser.add_argument('--out', default='work_dirs/digit_preservation')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    candidates = dict(item.split('=', 1) for item in args.rains)
    os.makedirs(args.out, exist_ok=True)
    results = {
        name:
        score_rain(
            rain,
            args.data,
            args.classifier_run,
            args.num_images,
            picture=osp.join(args.out, f'{name}.png'))
        for name, rain in candidates.items()
    }
    table = preservation_table(results)
    with open(osp.join(args.out, 'digit_preservation.md'), 'w') as file:
        file.write(
            f'# Digit preservation of the digits RAIN candidates\n\n{table}\n')
    with open(osp.join(args.out, 'digit_preservation.json'), 'w') as file:
        json.dump(results, file, indent=1)
    print(table)
    return results


if __name__ == '__main__':
    main()

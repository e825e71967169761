"""Mean distance ``||eps - psi||`` of the demo ASM search's first style codes
``eps ~ N(psi, xi)`` from the one-shot image's anchor, for a demo RAIN: the
scale against which the demo's fixed-length ascent steps
(``configs/_base_/asm/asm_demo_search.py``: ``step_rule='l2'``, 8.0) were set.

    python -m tools.benchmarks.bench_anchor_distance \
        --rain work_dirs/rain_demo-relu3_1/rain_demo-relu3_1.pth
"""
import argparse

from mmasm.demo import DEFAULT_DATA, DEFAULT_RAIN
from mmasm.utils import register_config_packages
from tools.benchmarks.demo_ablation.style_scores import mean_anchor_distance


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data', default=DEFAULT_DATA)
    parser.add_argument(
        '--rain', default=DEFAULT_RAIN, help='the demo RAIN checkpoint')
    parser.add_argument(
        '--seeds',
        type=int,
        nargs='+',
        default=[0],
        help='seeds (one-shot image and draws) averaged')
    parser.add_argument(
        '--num-images',
        type=int,
        default=16,
        help='source images (the first ones)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    register_config_packages()
    distances = [
        mean_anchor_distance(args.data, args.rain, seed, args.num_images)
        for seed in args.seeds
    ]
    for seed, distance in zip(args.seeds, distances):
        print(f'seed {seed}: mean anchor distance {distance:.3f}')
    print(
        f'mean over seeds {args.seeds}: {sum(distances) / len(distances):.3f}')
    return distances


if __name__ == '__main__':
    main()

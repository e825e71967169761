"""Generate the digits demo pair (no download): scikit-learn's handwritten
digit scans as the source, rendered street-number-like digits as the target.

    python tools/make_digit_domains.py data/digits [--seed 0] \
        [--num-target-train 1000] [--num-target-test 1000] [--num-style 500] [--force]

writes ``source/train``, ``target/train``, ``target/test`` (mmpretrain
``CustomDataset`` class folders), ``style`` (RAIN style images) and
``meta.json`` (the one-shot image of each seed). Same arguments, same bytes.
"""
import argparse
import sys
import time
from typing import List, Optional

from mmasm.demo.digits import make_digit_domains


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Render the digits demo domain pair.')
    parser.add_argument(
        'out_dir', help='output folder (must not exist unless --force)')
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    parser.add_argument(
        '--num-target-train',
        type=int,
        default=1000,
        help='labelled target train images (one-shot candidates)')
    parser.add_argument(
        '--num-target-test',
        type=int,
        default=1000,
        help='labelled target test images')
    parser.add_argument(
        '--num-style', type=int, default=500, help='RAIN style images')
    parser.add_argument(
        '--force', action='store_true', help='replace OUT_DIR if it exists')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    start = time.perf_counter()
    try:
        domains = make_digit_domains(
            args.out_dir,
            seed=args.seed,
            num_target_train=args.num_target_train,
            num_target_test=args.num_target_test,
            num_style=args.num_style,
            force=args.force)
    except (ValueError, OSError) as error:
        print(f'make_digit_domains: error: {error}', file=sys.stderr)
        return 2
    meta = domains.meta
    print(
        f"wrote {meta['num_source']} source, {meta['num_target_train']} + "
        f"{meta['num_target_test']} target and {meta['num_style']} style images to "
        f'{domains.root} in {time.perf_counter() - start:.1f} s')
    return 0


if __name__ == '__main__':
    sys.exit(main())

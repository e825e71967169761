"""Generate mmasm's demo domain pair (game-like source, photo-like target).

    python tools/make_demo_domains.py data/demo [--seed 0] \
        [--num-source 300] [--num-target-train 20] [--num-target-val 50] \
        [--size 256 128] [--force] [--preview]

writes ``data/demo/source`` (GTA5 layout, for ``GTA5Dataset``),
``data/demo/target`` (Cityscapes layout, for ``CityscapesDataset``; the
one-shot image is ``leftImg8bit/train/demo/demo_000000_000019_leftImg8bit
.png``), ``data/demo/style`` (RAIN style images), ``data/demo/meta.json``
and with ``--preview`` ``data/demo/preview.png`` (rows: source image and
labels, target image and labels). Same arguments, same bytes.
"""
import argparse
import sys
import time
from typing import List, Optional

from mmasm.demo.domains import make_demo_domains


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Render the demo source (game-like, GTA5 layout) and '
        'target (photo-like, Cityscapes layout) street-scene domains.')
    parser.add_argument(
        'out_dir', help='output folder (must not exist '
        'unless --force)')
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    parser.add_argument(
        '--num-source', type=int, default=300, help='source images')
    parser.add_argument(
        '--num-target-train',
        type=int,
        default=20,
        help='target train images (the first is the '
        'one-shot image)')
    parser.add_argument(
        '--num-target-val',
        type=int,
        default=50,
        help='labelled target val images')
    parser.add_argument(
        '--size',
        type=int,
        nargs=2,
        default=(256, 128),
        metavar=('W', 'H'),
        help='image width and height')
    parser.add_argument(
        '--force', action='store_true', help='replace OUT_DIR if it exists')
    parser.add_argument(
        '--preview',
        action='store_true',
        help='also write OUT_DIR/preview.png')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    start = time.perf_counter()
    try:
        domains = make_demo_domains(
            args.out_dir,
            seed=args.seed,
            num_source=args.num_source,
            num_target_train=args.num_target_train,
            num_target_val=args.num_target_val,
            size=tuple(args.size),
            force=args.force,
            preview=args.preview)
    except (ValueError, OSError) as error:
        print(f'make_demo_domains: error: {error}', file=sys.stderr)
        return 2
    print(f'wrote {args.num_source} source, {args.num_target_train} + '
          f'{args.num_target_val} target images ({args.size[0]}x'
          f'{args.size[1]}) to {domains.root} in '
          f'{time.perf_counter() - start:.1f} s\n'
          f'  source (GTA5 layout):       {domains.source}\n'
          f'  target (Cityscapes layout): {domains.target}\n'
          f'  one-shot target image:      {domains.one_shot_image}\n'
          f'  RAIN style images:          {domains.style}')
    return 0


if __name__ == '__main__':
    sys.exit(main())

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

Target appearance domains (the generalisation benchmark's) beside a pair:

    python tools/make_demo_domains.py data/demo_domains --domains dev \
        [--pair data/demo] [--num-target-train 20] [--num-target-val 50] \
        [--preview] [--preview-dir DIR] [--force]

writes ``data/demo_domains/<domain>/`` for each domain (``dev``, ``test``,
``all`` or names from ``mmasm.demo.domains.TARGET_DOMAINS``): a target in
the Cityscapes layout with the pair's layouts in that appearance, links to
the pair's source and style images, ``meta.json`` and with ``--preview``
``preview.png`` (``--preview-dir``: also ``DIR/<domain>.png`` at half
size). Finished
domain folders are kept unless ``--force``.
"""
import argparse
import os
import os.path as osp
import sys
import time
from typing import List, Optional

import cv2

from mmasm.demo.domains import (DOMAIN_SPLITS_HELP, TARGET_DOMAINS,
                                make_demo_domains, make_target_domains,
                                resolve_domains)


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
    parser.add_argument(
        '--domains',
        nargs='+',
        default=None,
        metavar='DOMAIN',
        help=DOMAIN_SPLITS_HELP + ' '
        f'({", ".join(TARGET_DOMAINS)}): render these '
        'target domains into OUT_DIR/<domain> instead of a '
        'pair')
    parser.add_argument(
        '--pair',
        default='data/demo',
        help='with --domains: the demo pair whose seed, '
        'size, source and style images they share')
    parser.add_argument(
        '--preview-dir',
        default=None,
        help='with --domains: also write DIR/<domain>.png')
    return parser.parse_args(argv)


def main_domains(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    names = resolve_domains(args.domains)
    folders = make_target_domains(
        args.out_dir,
        args.pair,
        names,
        args.num_target_train,
        args.num_target_val,
        force=args.force,
        skip_existing=not args.force,
        preview=args.preview or bool(args.preview_dir))
    if args.preview_dir:
        os.makedirs(args.preview_dir, exist_ok=True)
        for name, folder in folders.items():  # half size, for web pages
            preview = cv2.imread(osp.join(folder, 'preview.png'))
            small = cv2.resize(
                preview, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
            cv2.imwrite(osp.join(args.preview_dir, name + '.png'), small)
    print(f'{len(names)} target domains in {osp.abspath(args.out_dir)} '
          f'({time.perf_counter() - start:.1f} s): {", ".join(names)}')
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    if args.domains:
        try:
            return main_domains(args)
        except (ValueError, OSError) as error:
            print(f'make_demo_domains: error: {error}', file=sys.stderr)
            return 2
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

"""Stylize images with a pretrained RAIN and save a comparison grid.

    python tools/stylize.py INPUT --checkpoint rain.pth --out DIR \
        [--mode random|anchored|target] [--target IMG [IMG ...] | DIR] \
        [--num-styles K] [--alpha A] [--seed S] [--device cpu]

INPUT is an image or a folder (searched recursively). Writes one PNG per
input and style, ``<name>_style<k>.png`` (the folder layout of INPUT is kept),
and ``grid.png``: one row per input, the original then the styles. Style k is
the same latent code for every input ('random', 'anchored') or the k-th
target image ('target': plain AdaIN with its true statistics, no VAE).
See ``mmasm.apis.stylize_folder``.
"""
import argparse
from typing import List, Optional

from mmasm.apis import STYLIZE_MODES, check_stylize_options, stylize_folder


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Stylize images with RAIN (random / anchored / target '
        'styles) and save a comparison grid.')
    parser.add_argument('input', help='image file or folder')
    parser.add_argument(
        '--checkpoint', required=True, help='mmasm RAIN checkpoint')
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--mode', default='random', choices=STYLIZE_MODES)
    parser.add_argument(
        '--target',
        nargs='+',
        help='target image(s) or folder for modes '
        "'anchored' and 'target'")
    parser.add_argument(
        '--num-styles',
        type=int,
        default=None,
        help="styles per input (default 4; mode 'target' "
        'uses one style per target image)')
    parser.add_argument(
        '--alpha',
        type=float,
        default=1.0,
        help='content-style trade-off, 1 = full style')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--vae-depth', type=int, default=3)
    args = parser.parse_args(argv)
    try:
        check_stylize_options(args.mode, args.target, args.num_styles,
                              args.alpha)
    except ValueError as error:
        parser.error(str(error))
    return args


def main(argv: Optional[List[str]] = None) -> List[str]:
    args = parse_args(argv)
    return stylize_folder(args.input, args.checkpoint, args.out, args.mode,
                          args.target, args.num_styles, args.alpha, args.seed,
                          args.device, args.vae_depth)


if __name__ == '__main__':
    main()

"""Stylize images with a pretrained RAIN and save a comparison grid.

    python tools/stylize.py INPUT --checkpoint rain.pth --out DIR \
        [--mode random|anchored|target] [--target IMG [IMG ...] | DIR] \
        [--num-styles K] [--alpha A] [--seed S] [--device cpu]

INPUT is an image or a folder (searched recursively). Writes one PNG per
input and style, ``<name>_style<k>.png`` (the folder layout of INPUT is kept),
and ``grid.png``: one row per input, the original then the styles. Style k is
the same latent code for every input ('random', 'anchored') or the k-th
target image ('target': plain AdaIN with its true statistics, no VAE).
"""
import argparse
import os.path as osp
import sys
from typing import List, Optional

import torch
import torch.nn.functional as F
from mmengine.utils import mkdir_or_exist
from torchvision.utils import make_grid, save_image

from mmasm.apis import (STYLIZE_MODES, compute_anchor, list_images,
                        load_rain, read_rgb, stylize)


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Stylize images with RAIN (random / anchored / target '
        'styles) and save a comparison grid.')
    parser.add_argument('input', help='image file or folder')
    parser.add_argument('--checkpoint', required=True,
                        help='mmasm RAIN checkpoint')
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--mode', default='random', choices=STYLIZE_MODES)
    parser.add_argument('--target', nargs='+',
                        help="target image(s) or folder for modes "
                        "'anchored' and 'target'")
    parser.add_argument('--num-styles', type=int, default=None,
                        help="styles per input (default 4; mode 'target' "
                        'uses one style per target image)')
    parser.add_argument('--alpha', type=float, default=1.0,
                        help='content-style trade-off, 1 = full style')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--vae-depth', type=int, default=3)
    args = parser.parse_args(argv)
    if args.mode != 'random' and not args.target:
        parser.error(f'--mode {args.mode} needs --target')
    if args.mode == 'target' and args.num_styles is not None:
        parser.error("--num-styles does not apply to --mode target (one "
                     'style per target image)')
    if args.num_styles is not None and args.num_styles < 1:
        parser.error(f'--num-styles must be >= 1, got {args.num_styles}')
    if not 0 <= args.alpha <= 1:
        parser.error(f'--alpha must be in [0, 1], got {args.alpha}')
    return args


def output_stem(path: str, input_root: str) -> str:
    """``path`` relative to the INPUT folder (or its file name), sans ext."""
    root = input_root if osp.isdir(input_root) else osp.dirname(input_root)
    return osp.splitext(osp.relpath(path, root))[0]


def style_columns(rain, image, args, eps, targets) -> List[torch.Tensor]:
    """The stylized versions of one ``(3, H, W)`` image, one per style."""
    if args.mode == 'target':
        return [stylize(rain, image, 'target', target=[t], alpha=args.alpha)
                for t in targets]
    return [stylize(rain, image, eps=e[None], alpha=args.alpha) for e in eps]


def pad_to(image: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """Pad right/bottom with white so that rows of a grid line up."""
    return F.pad(image, (0, width - image.shape[-1], 0,
                         height - image.shape[-2]), value=1.0)


def save_grid(rows: List[List[torch.Tensor]], filename: str) -> None:
    """Rows = inputs, columns = original + styles."""
    cells = [cell for row in rows for cell in row]
    height = max(c.shape[-2] for c in cells)
    width = max(c.shape[-1] for c in cells)
    grid = make_grid([pad_to(c, height, width) for c in cells],
                     nrow=len(rows[0]), padding=4, pad_value=1.0)
    save_image(grid, filename)


def main(argv: Optional[List[str]] = None) -> List[str]:
    """Run the tool; returns the written files (grid last)."""
    args = parse_args(argv)
    inputs = list_images(args.input)
    images = [read_rgb(path) for path in inputs]
    rain = load_rain(args.checkpoint, args.device, args.vae_depth)
    generator = torch.Generator(args.device).manual_seed(args.seed)
    eps, targets = None, None
    if args.mode == 'target':
        targets = list_images(args.target)
    else:
        anchor = (compute_anchor(rain, args.target)
                  if args.mode == 'anchored' else (None, None))
        eps = rain.sample_eps(args.num_styles or 4, *anchor,
                              generator=generator)
    written, rows = [], []
    for path, image in zip(inputs, images):
        styles = style_columns(rain, image, args, eps, targets)
        stem = output_stem(path, args.input)
        for k, styled in enumerate(styles):
            filename = osp.join(args.out, f'{stem}_style{k}.png')
            save_image(styled, _mkdir_for(filename))
            written.append(filename)
        rows.append([image] + [s.cpu() for s in styles])
    grid_file = osp.join(args.out, 'grid.png')
    save_grid(rows, _mkdir_for(grid_file))
    written.append(grid_file)
    print(f'wrote {len(written) - 1} stylized images and {grid_file}')
    return written


def _mkdir_for(filename: str) -> str:
    mkdir_or_exist(osp.dirname(osp.abspath(filename)))
    return filename


if __name__ == '__main__':
    main(sys.argv[1:])

"""Brightness and contrast of a RAIN's styles against the images they copy.

For each target domain's one-shot image, the luma mean / standard deviation
(ITU-R BT.601, on [0, 1], per image, averaged over the source images) of:

* the one-shot image itself;
* the source images stylized by plain AdaIN with the one-shot image's true
  feature statistics (RAIN's decoder, no VAE: ``stylize(mode='target')``);
* the source images stylized by anchored styles, ``eps ~ N(psi, xi)`` of
  the one-shot image (the VAE's reconstruction of its style: the anchored
  arm's styles and the start of ASM's search).

A gap between the first two columns is the decoder's; a further gap to the
third is the style VAE's. The source images' own row (AdaIN with each
image's own statistics) shows what the decoder does to an unchanged style.

    python -m tools.benchmarks.bench_rain_style_luma RAIN.pth \\
        --pair data/demo --domains-dir data/demo_domains [--num-source 8]
"""
import argparse
import glob
import os.path as osp
from typing import List, Optional, Sequence, Tuple

import torch

from mmasm.apis import load_rain, read_rgb, stylize
from mmasm.demo import one_shot_image
from mmasm.demo.domains import DOMAIN_SPLITS_HELP, resolve_domains
from .generalisation.stylizations import luma_stats

COLUMNS = ('one-shot image', 'AdaIN, true statistics (decoder)',
           'anchored styles (VAE + decoder)')


def mean_luma(images: torch.Tensor) -> Tuple[float, float]:
    """The mean over ``images`` (N, 3, H, W) of each one's luma stats."""
    stats = torch.tensor([luma_stats(image[None]) for image in images])
    return tuple(stats.mean(0).tolist())


def source_images(pair: str, num: int) -> torch.Tensor:
    """The first ``num`` source images of the demo pair, sorted by name."""
    files = sorted(glob.glob(osp.join(pair, 'source', 'images', '*.png')))
    if len(files) < num:
        raise FileNotFoundError(
            f'{num} source images wanted, {len(files)} found in '
            f'{osp.join(pair, "source", "images")}')
    return torch.stack([read_rgb(f) for f in files[:num]])


@torch.no_grad()
def luma_rows(rain, sources: torch.Tensor, domain_dirs: dict,
              seed: int) -> List[Tuple[str, List[Tuple[float, float]]]]:
    """``[(name, [(mean, std) per column])]``: the sources' own row first,
    then one row per domain."""
    own = mean_luma(stylize(rain, sources, 'target', target=sources))
    rows = [('source (own statistics)', [mean_luma(sources), own, None])]
    generator = torch.Generator().manual_seed(seed)
    for domain, folder in domain_dirs.items():
        shot = read_rgb(
            osp.join(folder, 'target', one_shot_image(folder, seed)))[None]
        rows.append((domain, [
            mean_luma(shot),
            mean_luma(stylize(rain, sources, 'target', target=shot)),
            mean_luma(
                stylize(
                    rain,
                    sources,
                    'anchored',
                    target=shot,
                    generator=generator))
        ]))
    return rows


def markdown(rows) -> str:
    lines = [
        '| domain | ' + ' | '.join(COLUMNS) + ' |',
        '|---' * (1 + len(COLUMNS)) + '|'
    ]
    for name, cells in rows:
        text = [
            '-' if cell is None else f'{cell[0]:.3f} / {cell[1]:.3f}'
            for cell in cells
        ]
        lines.append(f'| {name} | ' + ' | '.join(text) + ' |')
    return '\n'.join(lines)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('rain', help='RAIN checkpoint (rain_demo.pth)')
    parser.add_argument('--pair', default='data/demo')
    parser.add_argument('--domains-dir', default='data/demo_domains')
    parser.add_argument(
        '--domains', nargs='+', default=['all'], help=DOMAIN_SPLITS_HELP)
    parser.add_argument('--num-source', type=int, default=8)
    parser.add_argument(
        '--seed',
        type=int,
        default=0,
        help="seed s: each domain's s-th one-shot image; the style draws")
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> str:
    args = parse_args(argv)
    domains = resolve_domains(args.domains)
    rain = load_rain(args.rain).eval()
    rows = luma_rows(rain, source_images(args.pair, args.num_source),
                     {d: osp.join(args.domains_dir, d)
                      for d in domains}, args.seed)
    text = (f'Luma mean / std over {args.num_source} source images '
            f'(seed {args.seed}):\n\n{markdown(rows)}')
    print(text)
    return text


if __name__ == '__main__':
    main()

"""Stylizing an image or a folder with a pretrained RAIN into PNG files
and a comparison grid.

>>> written = stylize_folder('images/', 'rain.pth', 'work_dirs/stylized',
...                          mode='anchored', target='target.png')

One PNG per input and style, ``<name>_style<k>.png`` (the folder layout of
the input kept), and ``grid.png``: one row per input, the original then the
styles. Style k is the same latent code for every input (``'random'``,
``'anchored'``) or the k-th target image (``'target'``: plain AdaIN with its
true statistics, no VAE).
"""
import os.path as osp
from typing import List, Optional, Sequence, Union

import torch
import torch.nn.functional as F
from mmengine.utils import mkdir_or_exist
from torchvision.utils import make_grid, save_image

from mmasm.models.rain import RAIN, compute_anchor, load_rain
from mmasm.utils import list_images, read_rgb
from .stylize import STYLIZE_MODES, stylize

#: styles per input when none is given (modes 'random' and 'anchored')
DEFAULT_NUM_STYLES = 4
Paths = Union[str, Sequence[str]]


def check_stylize_options(mode: str,
                          target: Optional[Paths] = None,
                          num_styles: Optional[int] = None,
                          alpha: float = 1.0) -> None:
    """Raise ``ValueError`` for options :func:`stylize_folder` cannot use."""
    if mode not in STYLIZE_MODES:
        raise ValueError(f'mode must be one of {STYLIZE_MODES}, got {mode!r}')
    if mode != 'random' and not target:
        raise ValueError(f'--mode {mode} needs --target')
    if mode == 'target' and num_styles is not None:
        raise ValueError('--num-styles does not apply to --mode target (one '
                         'style per target image)')
    if num_styles is not None and num_styles < 1:
        raise ValueError(f'--num-styles must be >= 1, got {num_styles}')
    if not 0 <= alpha <= 1:
        raise ValueError(f'--alpha must be in [0, 1], got {alpha}')


def output_stem(path: str, input_root: str) -> str:
    """``path`` relative to the input folder (or its file name), sans ext."""
    root = input_root if osp.isdir(input_root) else osp.dirname(input_root)
    return osp.splitext(osp.relpath(path, root))[0]


def pad_to(image: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """Pad right/bottom with white so that rows of a grid line up."""
    return F.pad(
        image, (0, width - image.shape[-1], 0, height - image.shape[-2]),
        value=1.0)


def save_grid(rows: List[List[torch.Tensor]], filename: str) -> None:
    """Rows = inputs, columns = original + styles."""
    cells = [cell for row in rows for cell in row]
    height = max(c.shape[-2] for c in cells)
    width = max(c.shape[-1] for c in cells)
    grid = make_grid([pad_to(c, height, width) for c in cells],
                     nrow=len(rows[0]),
                     padding=4,
                     pad_value=1.0)
    save_image(grid, mkdir_for(filename))


def mkdir_for(filename: str) -> str:
    """``filename``, its folder created."""
    mkdir_or_exist(osp.dirname(osp.abspath(filename)))
    return filename


def style_columns(rain: RAIN, image: torch.Tensor, mode: str, alpha: float,
                  eps: Optional[torch.Tensor],
                  targets: Optional[List[str]]) -> List[torch.Tensor]:
    """The stylized versions of one ``(3, H, W)`` image, one per style:
    per target image (mode ``'target'``) or per row of ``eps``."""
    if mode == 'target':
        return [
            stylize(rain, image, 'target', target=[t], alpha=alpha)
            for t in targets
        ]
    return [stylize(rain, image, eps=e[None], alpha=alpha) for e in eps]


def stylize_folder(input_path: str,
                   checkpoint: str,
                   out_dir: str,
                   mode: str = 'random',
                   target: Optional[Paths] = None,
                   num_styles: Optional[int] = None,
                   alpha: float = 1.0,
                   seed: int = 0,
                   device: str = 'cpu',
                   vae_depth: int = 3) -> List[str]:
    """Stylize the image(s) of ``input_path`` (a file or a folder, searched
    recursively) with the RAIN ``checkpoint`` into ``out_dir``.

    Args:
        mode: ``'random'`` (eps ~ N(0, I)), ``'anchored'`` (eps ~ N(psi,
            xi) of the ``target`` image(s)) or ``'target'`` (one style per
            ``target`` image).
        num_styles: styles per input (default 4; not for mode ``'target'``).
        alpha: content-style trade-off, 1 = full style.
        seed: seed of the latent codes.

    Returns:
        The written files, the grid last.
    """
    check_stylize_options(mode, target, num_styles, alpha)
    inputs = list_images(input_path)
    images = [read_rgb(path) for path in inputs]
    rain = load_rain(checkpoint, device, vae_depth)
    generator = torch.Generator(device).manual_seed(seed)
    eps, targets = None, None
    if mode == 'target':
        targets = list_images(target)
    else:
        anchor = compute_anchor(rain, target) if mode == 'anchored' else (None,
                                                                          None)
        eps = rain.sample_eps(
            num_styles or DEFAULT_NUM_STYLES, *anchor, generator=generator)
    written, rows = [], []
    for path, image in zip(inputs, images):
        styles = style_columns(rain, image, mode, alpha, eps, targets)
        stem = output_stem(path, input_path)
        for k, styled in enumerate(styles):
            filename = osp.join(out_dir, f'{stem}_style{k}.png')
            save_image(styled, mkdir_for(filename))
            written.append(filename)
        rows.append([image] + [s.cpu() for s in styles])
    grid_file = osp.join(out_dir, 'grid.png')
    save_grid(rows, grid_file)
    written.append(grid_file)
    print(f'wrote {len(written) - 1} stylized images and {grid_file}')
    return written

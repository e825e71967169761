"""One row of stylizations per target domain, for the benchmark's page.

Each row shows what the style-based arms train on for that domain (seed
``s``): the domain's one-shot image, a source image, RAIN with a random
style (the random arm), RAIN with a style drawn around the one-shot
image's anchor ``N(psi, xi)`` (the anchored arm, ASM's search depth 0)
and ASM's style after its ``n`` ascent steps against that domain's
trained ASM segmentor (``trace_search``). Every row uses the same source
image and the same random draws, so rows differ only by the domain. A
table gives each image's luma mean and standard deviation (brightness and
contrast), to compare the styles with the one-shot image they anchor on.
"""
import os
import os.path as osp
from typing import List, Sequence, Tuple

import torch
from mmengine.runner import set_random_seed
from torchvision.transforms.functional import rgb_to_grayscale

from mmasm.apis import read_rgb, stylize, trace_search
from mmasm.demo import demo_config
from mmasm.demo.report import first_batch, write_rgb
from mmasm.engine.hooks import ASMHook
from mmasm.utils import (build_runner, rgb_grid, unwrap_model,
                         use_safe_checkpoint_loader)
from .grid import Context, Run, last_checkpoint

#: the figure's columns, left to right
COLUMNS = ('one-shot target image', 'source image', 'random style',
           'anchored style', 'ASM style (after the search)')


def trained_asm_runner(ctx: Context, domain: str, seed: int):
    """The Runner of the cached ASM run ``(asm, domain, seed)`` with its
    trained weights, and its ASM hook ready to search (RAIN beside the
    model, the one-shot anchor computed)."""
    folder = Run('asm', domain, seed).folder(ctx.work_dir)
    checkpoint = last_checkpoint(folder)
    if checkpoint is None:
        raise FileNotFoundError(
            f'no finished ASM run of {domain!r}, seed {seed}, in {folder}: '
            'run the benchmark with --arms asm first')
    cfg = demo_config(
        'asm',
        ctx.domain_dirs[domain],
        ctx.rain or '',
        ctx.one_shot(domain, seed),
        seed,
        ctx.max_steps,
        step_size=ctx.step_size)
    cfg.work_dir = osp.join(folder, 'stylizations')
    use_safe_checkpoint_loader(cfg)
    runner = build_runner(cfg)
    runner.load_checkpoint(checkpoint)
    hook = next(h for h in runner.hooks if isinstance(h, ASMHook))
    hook.before_run(runner)
    return runner, hook


def domain_row(ctx: Context, domain: str, seed: int) -> List[torch.Tensor]:
    """The ``(1, 3, H, W)`` RGB images of :data:`COLUMNS` for ``domain``,
    from the cached ASM run ``(asm, domain, seed)``."""
    runner, hook = trained_asm_runner(ctx, domain, seed)
    model = unwrap_model(runner.model)
    set_random_seed(seed)  # the same source crop for every domain
    batch = first_batch(runner, 1)
    generator = torch.Generator().manual_seed(seed)
    trace = trace_search(model, hook.mining, batch, hook.search_depth,
                         generator)
    random = stylize(
        hook.mining.rain,
        trace.source,
        'random',
        generator=torch.Generator().manual_seed(seed))
    shot = ctx.one_shot(domain, seed)
    target = read_rgb(osp.join(ctx.domain_dirs[domain], 'target', shot))[None]
    target = torch.nn.functional.interpolate(
        target, trace.source.shape[-2:], mode='bilinear', align_corners=False)
    return [target, trace.source, random, trace.images[0], trace.images[-1]]


def luma_stats(image: torch.Tensor) -> Tuple[float, float]:
    """Mean and standard deviation of the luma (ITU-R BT.601) of an RGB
    image in [0, 1], as drawn (clamped to [0, 1])."""
    luma = rgb_to_grayscale(image.detach().float().cpu().clamp(0, 1))
    return luma.mean().item(), luma.std().item()


def luma_table(domains: Sequence[str], rows: Sequence[torch.Tensor]) -> str:
    """A Markdown table: per domain, each column's luma ``mean / std``."""
    lines = [
        '| domain | ' + ' | '.join(COLUMNS) + ' |',
        '|---' * (1 + len(COLUMNS)) + '|'
    ]
    for domain, row in zip(domains, rows):
        cells = [f'{m:.3f} / {s:.3f}' for m, s in map(luma_stats, row)]
        lines.append(f'| {domain} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def stylization_figure(ctx: Context, domains: Sequence[str], seed: int,
                       path: str) -> str:
    """Write one row per domain (:func:`domain_row`) as one PNG at
    ``path``; returns the luma table of the rows (:func:`luma_table`)."""
    rows = [
        torch.cat([image.cpu() for image in domain_row(ctx, domain, seed)])
        for domain in domains
    ]
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    write_rgb(path, rgb_grid(rows))
    return luma_table(domains, rows)

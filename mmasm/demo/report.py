"""The quickstart's report: the mIoU table and the ASM figures (Fig. 7):
stylizations per search depth, the eps search path, the loss saw-tooth."""
import os.path as osp

import cv2
import numpy as np
import torch
from mmengine.dataset import pseudo_collate

from mmasm.apis import read_rgb, trace_search
from mmasm.engine.hooks import ASMHook
from mmasm.utils import rgb_grid, unwrap_model
from mmasm.visualization import plot_loss_sawtooth, plot_search_path

#: search depth drawn in the figures (training uses the config's n)
FIGURE_DEPTH = 4
SAWTOOTH_ITERS = 40

REPORT = """# mmasm quickstart

Finished in {elapsed:.0f} s on the CPU.

## The demo domain pair

Game-like source (GTA5 layout, {num_source} images) and photo-like target
(Cityscapes layout; one unlabelled train image for ASM, {num_val} labelled val
images for the mIoU), rendered by `tools/make_demo_domains.py`:

![domains]({preview})

## One-shot adaptation: target val mIoU

The same small DeepLab-v2 (ResNet-18, from scratch), data and number of
optimizer steps; ASM adds the adversarial style search around the one-shot
target image `{one_shot}`.

{miou_table}

## Stylized source images per search depth

Rows: source images; ASM's stylizations at search depth 0 (`eps ~ N(psi,
xi)`) to {depth} (each step `eps <- eps + beta * grad L_M` against the trained
segmentor); the one-shot target. Mean segmentor loss per depth: {depth_losses}.

![search depths](search_depths.png)

## Where the search goes (Fig. 7, left)

![eps path](eps_path.png)

## The loss saw-tooth (Fig. 7, right)

The segmentation loss at each search depth during the first {sawtooth_iters}
training iterations: it climbs within an iteration and drops when a new batch
draws fresh styles. Over the whole run, the loss at depth {n} is on average
{rise:+.3f} above depth 1.

![saw-tooth](loss_sawtooth.png)
"""


def miou_table(results: dict, classes) -> str:
    """Markdown: mIoU13, the IoU of each of ``classes`` and the training
    time, one column per arm of ``results``."""
    arms = list(results)
    lines = ['| | ' + ' | '.join(arms) + ' |', '|---' * (len(arms) + 1) + '|']
    lines.append('| **mIoU13** | ' +
                 ' | '.join(f'**{results[a]["mIoU13"]:.2f}**'
                            for a in arms) + ' |')
    for name in classes:
        lines.append(f'| {name} | ' + ' | '.join(
            f'{results[a].get("IoU." + name, float("nan")):.2f}'
            for a in arms) + ' |')
    lines.append('| train time (s) | ' +
                 ' | '.join(str(results[a]['train_seconds'])
                            for a in arms) + ' |')
    return '\n'.join(lines)


def first_batch(runner, num: int) -> dict:
    """The first ``num`` training samples of ``runner``, collated."""
    dataset = runner.train_dataloader.dataset
    return pseudo_collate([dataset[i] for i in range(min(num, len(dataset)))])


def write_rgb(path: str, image: np.ndarray) -> None:
    """Write an RGB uint8 array."""
    cv2.imwrite(path, image[..., ::-1])


def depth_figure(model, mining, runner, one_shot: str, work_dir: str,
                 seed: int):
    """``search_depths.png``: sources, stylizations per depth, the target;
    returns the segmentor loss per depth."""
    trace = trace_search(
        model, mining, first_batch(runner, 4), FIGURE_DEPTH,
        torch.Generator(device=trace_device(model)).manual_seed(seed))
    target = read_rgb(one_shot)[None].to(trace.source.device)
    target = torch.nn.functional.interpolate(
        target, trace.source.shape[-2:], mode='bilinear')
    rows = [trace.source, *trace.images, target.expand_as(trace.source)]
    write_rgb(osp.join(work_dir, 'search_depths.png'), rgb_grid(rows))
    return trace.losses


def trace_device(model) -> torch.device:
    """The device of ``model``'s parameters."""
    return next(model.parameters()).device


def path_figure(model, mining, runner, work_dir: str, seed: int) -> None:
    """``eps_path.png``: eight searches among anchored samples."""
    generator = torch.Generator(device=trace_device(model)).manual_seed(seed +
                                                                        1)
    trace = trace_search(model, mining, first_batch(runner, 8), FIGURE_DEPTH,
                         generator)
    _, cloud = mining.rain.sample_anchored(400, mining.anchor_mean,
                                           mining.anchor_std, generator)
    plot_search_path(
        torch.stack(trace.eps).cpu(), cloud.cpu(), mining.anchor_mean[0].cpu(),
        osp.join(work_dir, 'eps_path.png'))


def sawtooth_figure(runner, depth: int, work_dir: str) -> float:
    """``loss_sawtooth.png`` from the logged loss per depth; returns the
    mean rise of the loss from the first to the last depth."""
    hub = runner.message_hub
    columns = [
        hub.get_scalar(f'train/asm_loss_depth{d}').data[0]
        for d in range(depth)
    ]
    losses = np.stack([c[-min(len(x) for x in columns):] for c in columns], 1)
    plot_loss_sawtooth(losses[:SAWTOOTH_ITERS],
                       osp.join(work_dir, 'loss_sawtooth.png'))
    return float((losses[:, -1] - losses[:, 0]).mean())


def write_report(work_dir, data, meta, results, asm_runner, seed,
                 elapsed) -> str:
    """Draw the figures from the trained ASM arm's runner and write
    ``work_dir/report.md`` (the arms' ``results``, the pair's ``meta``);
    returns its path."""
    model = unwrap_model(asm_runner.model)
    hook = next(h for h in asm_runner.hooks if isinstance(h, ASMHook))
    one_shot = osp.join(data, 'target', meta['target']['one_shot_image'])
    losses = depth_figure(model, hook.mining, asm_runner, one_shot, work_dir,
                          seed)
    path_figure(model, hook.mining, asm_runner, work_dir, seed)
    rise = sawtooth_figure(asm_runner, hook.search_depth, work_dir)
    classes = [
        c['name'] for c in meta['classes']
        if f'IoU.{c["name"]}' in results['asm']
        and not np.isnan(results['asm'][f'IoU.{c["name"]}'])
    ]
    report = osp.join(work_dir, 'report.md')
    with open(report, 'w') as f:
        f.write(
            REPORT.format(
                elapsed=elapsed,
                num_source=meta['num_source'],
                num_val=meta['num_target_val'],
                preview=osp.relpath(osp.join(data, 'preview.png'), work_dir),
                one_shot=meta['target']['one_shot_image'],
                miou_table=miou_table(results, classes),
                depth=FIGURE_DEPTH,
                depth_losses=' -> '.join(f'{x:.3f}' for x in losses),
                sawtooth_iters=SAWTOOTH_ITERS,
                n=hook.search_depth,
                rise=rise))
    return report

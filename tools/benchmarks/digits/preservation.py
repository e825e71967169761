"""Does a digits RAIN keep the digit? The digit-preservation score.

The rule that picks the digits demo's RAIN, fixed before any arm is
trained and blind to target labels: a source-only classifier (the digits
ResNet of ``configs/demo_digits/source-only_digits.py``, trained on the
source train split) classifies source images stylized by the RAIN, and the
score is its top-1 accuracy against the source labels:

- ``source``: the unstylized images (the classifier's own score);
- ``random``: RAIN with ``eps ~ N(0, I)``, as the random arm draws them;
- ``anchored``: ``eps ~ N(psi, xi)`` around the seed's one-shot image, as
  the anchored and ASM arms draw them (only the target *image*, no label).

The generators are the arms' own ASM hooks (same RAIN settings); a RAIN
whose stylizations the classifier still reads keeps the digit. Also
measured: the seconds of one ASM search (a batch of 8, n = 5 renders with
their backward through the classifier), the tie-breaker, and a picture of
source / random / anchored / ASM depth 1..n.
"""
import os.path as osp
import time
from typing import Dict, List, Sequence, Tuple

import numpy as np
import torch
from mmengine.dataset import pseudo_collate
from mmengine.registry import DefaultScope

from mmasm.apis import trace_search
from mmasm.demo import asm_hook_config
from mmasm.engine.hooks.asm_batch_adapters import ClsBatchAdapter
from mmasm.models.rain.inference import checkpoint_encoder_tap
from mmasm.registry import HOOKS
from mmasm.utils import (build_module, load_tensor_file, rgb_grid,
                         seed_generator)
from mmasm.utils.checkpoint import latest_complete_checkpoint
from .runs import arm_config, digits_pair

#: the stylizations scored, in the table's order
PRESERVATION_MODES = ('source', 'random', 'anchored')


def source_classifier(run_dir: str, data: str, rain: str, one_shot: str):
    """The source-only classifier of a finished run (its last checkpoint,
    read weights-only), in eval mode."""
    checkpoint = latest_complete_checkpoint(run_dir) if osp.isdir(
        run_dir) else None
    if checkpoint is None:
        raise FileNotFoundError(
            f'no finished source-only run with a checkpoint in {run_dir}: run '
            'python -m tools.benchmarks.bench_digits_ablation --arms source-only '
            '--seeds 0 first')
    from mmpretrain.registry import MODELS
    cfg = arm_config('source-only', data, rain, one_shot, 0)
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        model = MODELS.build(cfg.model)
    model.load_state_dict(load_tensor_file(checkpoint)['state_dict'])
    return model.eval().requires_grad_(False)


def source_batches(data: str, rain: str, one_shot: str, num_images: int,
                   batch_size: int) -> List[dict]:
    """``num_images`` source images spread evenly over the (class-sorted)
    source train split, unaugmented, collated ``batch_size`` at a time."""
    from mmpretrain.registry import DATASETS
    cfg = arm_config('source-only', data, rain, one_shot, 0)
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        dataset = DATASETS.build(
            dict(
                cfg.train_dataloader.dataset,
                pipeline=cfg.val_dataloader.dataset.pipeline))
    num = min(num_images, len(dataset))
    items = [
        dataset[int(i)] for i in np.linspace(0,
                                             len(dataset) - 1, num).round()
    ]
    return [
        pseudo_collate(items[i:i + batch_size])
        for i in range(0, num, batch_size)
    ]


def arm_hooks(data: str, rain: str, one_shot: str) -> Dict[str, object]:
    """The random, anchored and ASM arms' hooks with ``rain`` (its encoder
    tap read from the file), seed 0."""
    hooks = {}
    for arm in ('random', 'anchored', 'asm'):
        cfg = asm_hook_config(arm_config(arm, data, rain, one_shot, 0))
        cfg.rain = dict(cfg.rain, encoder_tap=checkpoint_encoder_tap(rain))
        hooks[arm] = build_module(cfg, HOOKS)
    return hooks


@torch.no_grad()
def class_scores(model,
                 batch: dict,
                 stylized: torch.Tensor = None) -> torch.Tensor:
    """The classifier's ``(N, classes)`` scores for a batch, or for its
    images replaced by ``stylized`` (RGB in [0, 1]) as the ASM hook hands
    them to the model."""
    if stylized is not None:
        batch = ClsBatchAdapter.style_batch(
            stylized,
            batch['inputs'],
            batch['data_samples'],
            keep_source=False)
    return torch.stack([s.pred_score for s in model.val_step(batch)])


def predictions(model,
                batch: dict,
                stylized: torch.Tensor = None) -> torch.Tensor:
    """The classifier's top-1 labels (see :func:`class_scores`)."""
    return class_scores(model, batch, stylized).argmax(dim=1)


def labels_of(batch: dict) -> torch.Tensor:
    return torch.cat([s.gt_label for s in batch['data_samples']])


def stylizations(hooks: dict, batch: dict,
                 generator: torch.Generator) -> Dict[str, torch.Tensor]:
    """``mode -> RGB (N, 3, H, W)`` in [0, 1] for :data:`PRESERVATION_MODES`."""
    images = ClsBatchAdapter.images(batch['inputs'], 'cpu')
    out = {'source': images}
    for mode in ('random', 'anchored'):
        hooks[mode].update_anchor(images.shape[-2:])
        with torch.no_grad():
            out[mode] = hooks[mode].mining.search(images,
                                                  generator).stylized().clamp(
                                                      0, 1)
    return out


def asm_search_picture(
        model, hook, batch: dict, num_images: int,
        generator: torch.Generator) -> Tuple[List[torch.Tensor], float]:
    """Rows ASM search step 1..n (the n renders of ``ASMHook``: an
    anchored draw, then n - 1 ascent steps) of one search on the first
    ``num_images`` of ``batch`` against ``model``, and its seconds (n
    renders, n - 1 backward passes)."""
    batch = dict(
        inputs=batch['inputs'][:num_images],
        data_samples=batch['data_samples'][:num_images])
    hook.update_anchor(batch['inputs'][0].shape[-2:])
    start = time.perf_counter()
    trace = trace_search(model, hook.mining, batch, hook.search_depth - 1,
                         generator)
    return trace.images, time.perf_counter() - start


def score_rain(rain: str,
               data: str,
               classifier_run: str,
               num_images: int = 1797,
               batch_size: int = 64,
               picture: str = None,
               seed: int = 0) -> dict:
    """The digit-preservation scores (top-1 %, see the module doc) of the
    RAIN ``rain`` on ``num_images`` source images, with the one-shot image
    of ``seed``; with ``picture``, a grid of 8 images (rows: source,
    random, anchored, ASM depth 1..n) and the ASM search's seconds."""
    one_shot = osp.join(data, digits_pair(data)['one_shot_images'][seed])
    model = source_classifier(classifier_run, data, rain, one_shot)
    hooks = arm_hooks(data, rain, one_shot)
    generator = torch.Generator()
    correct = {mode: 0 for mode in PRESERVATION_MODES}
    total = 0
    batches = source_batches(data, rain, one_shot, num_images, batch_size)
    for index, batch in enumerate(batches):
        seed_generator(generator, seed, index)
        labels = labels_of(batch)
        for mode, images in stylizations(hooks, batch, generator).items():
            correct[mode] += int((predictions(model, batch,
                                              images) == labels).sum())
        total += len(labels)
    scores = {mode: 100.0 * hits / total for mode, hits in correct.items()}
    scores.update(num_images=total, encoder_tap=checkpoint_encoder_tap(rain))
    if picture:
        # 8 images spread over the classes, from a stream of their own
        (batch, ) = source_batches(data, rain, one_shot, 8, 8)
        seed_generator(generator, seed, len(batches))
        rows = list(stylizations(hooks, batch, generator).values())
        depths, scores['asm_search_seconds'] = asm_search_picture(
            model, hooks['asm'], batch, 8, generator)
        write_rgb_grid(picture, rows + depths)
    return scores


def write_rgb_grid(path: str, rows: Sequence[torch.Tensor]) -> None:
    import cv2
    cv2.imwrite(
        path,
        rgb_grid([row.detach().clamp(0, 1) for row in rows])[..., ::-1])


def preservation_table(results: Dict[str, dict]) -> str:
    """Markdown: one row per RAIN candidate."""
    lines = [
        '| RAIN | tap | unstylized source | random styles | anchored styles '
        '| s / ASM search (8 images, n = 5) |', '|---|---|---|---|---|---|'
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['encoder_tap']} | {r['source']:.1f} | {r['random']:.1f} | "
            f"{r['anchored']:.1f} | {r.get('asm_search_seconds', float('nan')):.2f} |"
        )
    return '\n'.join(lines)

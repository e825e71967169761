"""How good are mmasm's stylizations? The label-consistency score of every
image generator on the demo pair.

The demo benchmark's target-supervised segmentor (it knows what the target
domain looks like) segments source images turned target-like by each
generator, scored against the source labels (mIoU13,
:class:`~mmasm.evaluation.LabelConsistencyScore`). The generators, as the
benchmark's arms use them (same RAIN, same one-shot image, same settings):

- ``source``: the raw source images (the score without any generator);
- ``random`` / ``anchored``: RAIN with ``eps ~ N(0, I)`` / ``N(psi, xi)``;
- ``asm-depth<d>``: ASM's style search after ``d`` ascent steps, against the
  source-only segmentor of the same seed (depth 0 is an anchored draw);
- ``ash``: the ASH arm's trained hallucinator, with its style folder;
- ``lrm`` / ``lrm-no-perceptual``: the LRM arms' translators towards the
  one-shot image.

The raw source images and the LRM translations are also scored against
the *one-shot image's* labels (``<name>@one-shot-layout``): a translation
that takes on the target's layout through LRM's mixed latent channels
agrees with them more than the raw source images do.

Needs a finished demo ablation (``python -m tools.benchmarks.bench_demo_ablation``) of the
arms ``target-supervised`` and ``source-only``, and of ``ash`` / ``lrm`` to
score them.
"""
import json
import os
import os.path as osp
from typing import Callable, Dict, List, Optional, Sequence, Union

import cv2
import numpy as np
import torch
from mmengine.dataset import pseudo_collate

from mmasm.apis import trace_search
from mmasm.demo import (asm_hook_config, demo_config, one_shot_image,
                        one_shot_images)
from mmasm.evaluation import LabelConsistencyScore
from mmasm.models.lrm import load_lrm_translator
from mmasm.models.rain import compute_anchor
from mmasm.models.utils.segmentor_calls import preprocess, segmentation_logits
from mmasm.registry import DATASETS, HOOKS, MODELS
from mmasm.utils import (bgr255_to_rgb01, build_module, load_tensor_file,
                         read_rgb, rgb_grid, seed_generator)
from mmasm.utils.checkpoint import latest_complete_checkpoint

#: the generators scored, in the table's order
GENERATORS = ('source', 'random', 'anchored', 'asm', 'ash', 'lrm',
              'lrm-no-perceptual')
#: the translators among them (arm names of the benchmark)
TRANSLATORS = ('lrm', 'lrm-no-perceptual')
#: the generators also scored against the one-shot image's layout
LAYOUT_GENERATORS = ('source', ) + TRANSLATORS
#: ASM search depths scored (the arms train at depth 2; deeper shows where
#: the search goes)
SCORE_DEPTHS = 4
SCORE_PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs')
]
#: where the finished runs are: the demo benchmark's work dir (its layout
#: ``<dir>/<arm>/seed<s>``) or a function ``(arm, seed) -> run folder``
Runs = Union[str, Callable[[str, int], str]]


def run_folder(runs: Runs, arm: str, seed: int) -> str:
    """The folder of the finished run ``(arm, seed)`` in ``runs``."""
    if callable(runs):
        return runs(arm, seed)
    return osp.join(runs, arm, f'seed{seed}')


def trained_model(arm: str, bench_dir: Runs, data: str, rain: str,
                  one_shot: str, seed: int):
    """The model of the finished benchmark run ``(arm, seed)`` (weights of
    its last checkpoint, read weights-only), in eval mode."""
    run_dir = run_folder(bench_dir, arm, seed)
    checkpoint = latest_complete_checkpoint(run_dir) if osp.isdir(
        run_dir) else None
    if checkpoint is None:
        raise FileNotFoundError(
            f'no finished {arm!r} run with a checkpoint in {run_dir}: run '
            f'its benchmark with --arms {arm} --seeds {seed} first')
    cfg = demo_config(arm, data, rain, one_shot, seed)
    model = build_module(cfg.model, MODELS)
    model.load_state_dict(load_tensor_file(checkpoint)['state_dict'])
    return model.eval()


def arm_hook(arm: str,
             data: str,
             rain: str,
             one_shot: str,
             seed: int,
             step_size: Optional[float] = None):
    """The ASM hook of a RAIN arm, its mining's anchor computed; with
    ``step_size``, its ascent step (beta) replaced."""
    hook_cfg = asm_hook_config(demo_config(arm, data, rain, one_shot, seed))
    if step_size is not None:
        hook_cfg.step_size = step_size
    hook = build_module(hook_cfg, HOOKS)
    if hook.target_images:
        hook.mining.use_anchor(
            *compute_anchor(hook.mining.rain, hook.target_images))
    return hook


def source_batches(data: str, rain: str, one_shot: str, num_images: int,
                   batch_size: int) -> List[dict]:
    """The first ``num_images`` source images with their labels, unaugmented,
    collated ``batch_size`` at a time, and the dataset's class names."""
    dataset_cfg = demo_config('source-only', data, rain, one_shot,
                              0).train_dataloader.dataset
    dataset = build_module(
        dict(dataset_cfg, pipeline=SCORE_PIPELINE), DATASETS)
    items = [dataset[i] for i in range(min(num_images, len(dataset)))]
    batches = [
        pseudo_collate(items[i:i + batch_size])
        for i in range(0, len(items), batch_size)
    ]
    return batches, dataset.metainfo['classes']


def labels_of(batch: dict) -> torch.Tensor:
    return torch.stack([s.gt_sem_seg.data[0] for s in batch['data_samples']])


class Generators:
    """Every generator of one seed's arms, each a function of a source batch
    returning ``name -> RGB (N, 3, H, W) in [0, 1]``."""

    def __init__(self,
                 bench_dir: Runs,
                 data: str,
                 rain: str,
                 one_shot: str,
                 seed: int,
                 generators: Sequence[str],
                 asm_step_size: Optional[float] = None):
        self.seed, self.generators = seed, set(generators)
        self.hooks = {
            arm: arm_hook(arm, data, rain, one_shot, seed, asm_step_size)
            for arm in ('random', 'anchored', 'asm') if arm in self.generators
        }
        if 'asm' in self.generators:
            self.attacked = trained_model('source-only', bench_dir, data, rain,
                                          one_shot, seed)
        if 'ash' in self.generators:
            self.ash = trained_model('ash', bench_dir, data, rain, one_shot,
                                     seed)
        self.translators = {
            arm:
            load_lrm_translator(
                osp.join(
                    run_folder(bench_dir, arm, seed), 'translator',
                    'lrm_translator.pth'))
            for arm in TRANSLATORS if arm in self.generators
        }
        if self.translators:
            self.one_shot = read_rgb(osp.join(data, 'target',
                                              one_shot))[None] * 255
            self.target_latents = {
            }  # (arm, source size) -> the one-shot image's latents
        self.generator = torch.Generator()

    def __call__(self, batch: dict, index: int) -> Dict[str, torch.Tensor]:
        """Each RAIN generator draws from its own copy of the batch's stream
        ``(seed, index)``: its images do not depend on the others scored."""
        images = bgr255_to_rgb01(batch['inputs'], 'cpu')
        out = {'source': images} if 'source' in self.generators else {}
        for arm in ('random', 'anchored'):
            if arm in self.hooks:
                seed_generator(self.generator, self.seed, index)
                out[arm] = self.hooks[arm].mining.search(
                    images, self.generator).stylized()
        if 'asm' in self.hooks:
            seed_generator(self.generator, self.seed, index)
            trace = trace_search(self.attacked, self.hooks['asm'].mining,
                                 batch, SCORE_DEPTHS, self.generator)
            out.update({
                f'asm-depth{d}': img
                for d, img in enumerate(trace.images)
            })
        if 'ash' in self.generators:
            out['ash'] = self.hallucinate(batch, images, index)
        for arm in self.translators:
            out[arm] = self.translate(arm, images)
        return {name: img.detach().clamp(0, 1) for name, img in out.items()}

    @torch.no_grad()
    def translate(self, arm: str, images: torch.Tensor) -> torch.Tensor:
        """The LRM ``arm``'s translations towards the one-shot image (its
        latents encoded once per arm and source size)."""
        translator, key = self.translators[arm], (arm,
                                                  tuple(images.shape[-2:]))
        if key not in self.target_latents:
            self.target_latents[key] = translator.encode_target(
                self.one_shot, key[1])
        return translator.translate(
            images * 255, target_latents=self.target_latents[key]) / 255

    @torch.no_grad()
    def hallucinate(self, batch: dict, images: torch.Tensor,
                    index: int) -> torch.Tensor:
        """The ASH arm's hallucinations, as its training step renders them
        (style images and noise drawn from the batch's own stream)."""
        ash = self.ash
        inputs = preprocess(ash.segmentor, batch['inputs'],
                            batch['data_samples'])
        height, width = images.shape[-2:]
        logits = segmentation_logits(ash.segmentor,
                                     inputs)[..., :height, :width]
        ash.style_stream.reseed(self.seed, 0, index)
        styles = ash.style_stream.draw(len(images), images.shape[-2:])
        return ash.hallucinator(images, styles, logits,
                                ash.style_stream.generator).stylized


def mean_anchor_distance(data: str,
                         rain: str,
                         seed: int,
                         num_images: int,
                         batch_size: int = 4) -> float:
    """Mean ``||eps - psi||_2`` of the demo ASM hook's first draws
    ``eps ~ N(psi, xi)`` (depth 0, before any ascent step) on the first
    ``num_images`` source images, drawn from ``(seed, batch index)``: the
    scale of the latent space the search's fixed-length steps
    (``step_rule='l2'``) move in."""
    one_shot = one_shot_image(data, seed)
    mining = arm_hook('asm', data, rain, one_shot, seed).mining
    batches, _ = source_batches(data, rain, one_shot, num_images, batch_size)
    generator, distances = torch.Generator(), []
    for index, batch in enumerate(batches):
        seed_generator(generator, seed, index)
        with torch.no_grad():
            search = mining.search(
                bgr255_to_rgb01(batch['inputs'], 'cpu'), generator)
        distances.append(search.anchor_distance())
    return torch.cat(distances).mean().item()


def score_seed(bench_dir: Runs,
               data: str,
               rain: str,
               seed: int,
               generators: Sequence[str],
               num_images: int,
               batch_size: int,
               grid_path: Optional[str] = None,
               asm_step_size: Optional[float] = None) -> dict:
    """The label-consistency scores of one seed's generators; with
    ``grid_path``, a picture of the first batch (one row per generator);
    ``asm_step_size`` replaces the ASM arm's ascent step."""
    with open(osp.join(data, 'meta.json')) as f:
        meta = json.load(f)
    one_shot = one_shot_images(data, meta, [seed])[seed]
    scorer_model = trained_model('target-supervised', bench_dir, data, rain,
                                 one_shot, seed)
    make = Generators(bench_dir, data, rain, one_shot, seed, generators,
                      asm_step_size)
    batches, names = source_batches(data, rain, one_shot, num_images,
                                    batch_size)
    demo_classes = [c['name'] for c in meta['classes']]
    layout = one_shot_labels(data, rain,
                             one_shot) if make.translators else None
    scores = {}

    def update(name, generated, labels):
        if name not in scores:
            scores[name] = LabelConsistencyScore(scorer_model, names,
                                                 demo_classes)
        scores[name].update(generated, labels)

    for index, batch in enumerate(batches):
        images = make(batch, index)
        if index == 0 and grid_path:
            cv2.imwrite(grid_path, rgb_grid(list(images.values()))[..., ::-1])
        for name, generated in images.items():
            update(name, generated, labels_of(batch))
        for name in LAYOUT_GENERATORS if layout is not None else ():
            if name in images:
                update(f'{name}@one-shot-layout', images[name],
                       layout.expand(len(images[name]), -1, -1))
    return {name: score.result() for name, score in scores.items()}


def one_shot_labels(data: str, rain: str, one_shot: str) -> torch.Tensor:
    """The train-id label map ``(H, W)`` of the one-shot image (relative to
    the target root), read through the target train set as its arm reads it."""
    dataset_cfg = demo_config('target-supervised', data, rain, one_shot,
                              0).train_dataloader.dataset
    dataset = build_module(
        dict(dataset_cfg, pipeline=SCORE_PIPELINE), DATASETS)
    path = osp.join(data, 'target', one_shot)
    for index in range(len(dataset)):
        if osp.samefile(dataset.get_data_info(index)['img_path'], path):
            return dataset[index]['data_samples'].gt_sem_seg.data[0]
    raise FileNotFoundError(
        f'the one-shot image {path} is not in the target train set')


def scores_table(results: Dict[int, dict], reference: Dict[int, float]) -> str:
    """Markdown: each generator's score, mean ± std over seeds and per seed,
    and the target-supervised model's own target-val mIoU13."""
    seeds = sorted(results)
    names = list(results[seeds[0]])
    lines = [
        '| images segmented | label consistency (mIoU13) mean | std | ' +
        ' | '.join(f'seed {s}' for s in seeds) + ' |',
        '|---|---|---|' + '---|' * len(seeds)
    ]
    for name in names:
        values = [results[s][name]['mIoU'] for s in seeds]
        lines.append(
            f'| {name} | {np.mean(values):.2f} | {np.std(values):.2f} | ' +
            ' | '.join(f'{v:.2f}' for v in values) + ' |')
    values = [reference[s] for s in seeds]
    lines.append(
        f'| (target val, the scorer\'s own mIoU13) | {np.mean(values):.2f} | '
        f'{np.std(values):.2f} | ' + ' | '.join(f'{v:.2f}'
                                                for v in values) + ' |')
    return '\n'.join(lines)


def run_style_scores(work_dir: str,
                     bench_dir: str,
                     data: str,
                     rain: str,
                     seeds: Sequence[int] = (0, 1, 2),
                     generators: Sequence[str] = GENERATORS,
                     num_images: int = 100,
                     batch_size: int = 4,
                     asm_step_size: Optional[float] = None) -> Dict[int, dict]:
    """Score ``generators`` for every seed (the ASM arm's ascent step
    replaced by ``asm_step_size`` if given); write ``style_scores.md``,
    ``style_scores.json`` and ``style_seed<s>.png`` into ``work_dir``."""
    os.makedirs(work_dir, exist_ok=True)
    results, reference = {}, {}
    for seed in seeds:
        grid = osp.join(work_dir, f'style_seed{seed}.png')
        results[seed] = score_seed(bench_dir, data, rain, seed, generators,
                                   num_images, batch_size, grid, asm_step_size)
        with open(
                osp.join(bench_dir, 'target-supervised', f'seed{seed}',
                         'metrics.json')) as f:
            reference[seed] = json.load(f)['mIoU13']
    with open(osp.join(work_dir, 'style_scores.json'), 'w') as f:
        json.dump({str(s): r for s, r in results.items()}, f, indent=1)
    table = scores_table(results, reference)
    with open(osp.join(work_dir, 'style_scores.md'), 'w') as f:
        f.write(table + '\n')
    print(table)
    return results

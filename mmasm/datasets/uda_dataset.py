"""Labelled source samples paired with unlabelled target samples (UDA)."""
from typing import Optional, Union

import numpy as np
import torch
from mmengine.fileio import exists
from mmseg.datasets.transforms import LoadAnnotations

from mmasm.registry import DATASETS
from .class_stats import class_stats_path, label_files, load_class_stats
from .content_style_dataset import build_dataset, seeded_global_rng
from .rare_class_sampling import RareClassSampling
from .samplers import SampleDraw

#: The keys of the target sample in a UDA batch (the source sample keeps
#: mmseg's ``inputs`` / ``data_samples``, so source-side hooks work unchanged).
TARGET_KEYS = ('target_inputs', 'target_data_samples')


@DATASETS.register_module()
class UDADataset:
    """Each item: one labelled source sample and one unlabelled target sample.

    The item is ``dict(inputs, data_samples, target_inputs,
    target_data_samples)``: the source sample as mmseg packs it, the target
    sample under ``target_*`` keys; mmengine's collate makes the same layout
    of lists for the batch. The length is the source's; the target sample is
    drawn uniformly at random (DAFormer draws it so under rare-class
    sampling; without it DAFormer enumerates all source x target pairs).

    Rare-class sampling (DAFormer, ``rare_class_sampling=dict(class_temp=0.01,
    min_pixels=3000, min_crop_ratio=0.5)``): the item's index is ignored; a
    class ``c`` is drawn with ``P(c) ∝ exp((1 - f_c) / T)``, then an image
    with more than ``min_pixels`` pixels of ``c``, and its pipeline is rerun
    (new random crop, at most 10 times) until the crop has more than
    ``min_pixels * min_crop_ratio`` pixels of ``c``. Counts come from the
    cache ``stats_file`` (default ``<source data_root>/sample_class_stats.json``,
    written by ``tools/sample_class_stats.py``).

    Randomness: given a :class:`SampleDraw` (``SeededInfiniteSampler``) every
    choice and random transform is seeded by ``draw.rng_seed()``, which both
    data samples carry as ``draw_seed`` (the self-training model seeds its
    per-sample augmentation with it): items depend only on the runner's seed
    and their place in the sampler stream, so resumed runs repeat exactly.
    Given an int, choices come from NumPy's global generator.

    Args:
        source: config (or instance) of a labelled mmseg dataset whose
            pipeline loads the labels (``LoadAnnotations``).
        target: config (or instance) of any dataset of images (an mmseg
            dataset, an ``ImageFolderDataset``); its labels are never read.
        rare_class_sampling: ``None`` or a dict of ``class_temp`` (``T``),
            ``min_pixels``, ``min_crop_ratio`` and optionally ``stats_file``.
    """

    MAX_CROP_TRIES = 10

    def __init__(self,
                 source: Union[dict, object],
                 target: Union[dict, object],
                 rare_class_sampling: Optional[dict] = None):
        self.source = build_dataset(source, 'source')
        self.target = build_dataset(target, 'target')
        self._check_source()
        self._check_target()
        self.rcs = None
        if rare_class_sampling is not None:
            self._init_rcs(dict(rare_class_sampling))

    def _check_source(self) -> None:
        if len(self.source) == 0:
            raise ValueError(
                f'UDADataset: the source dataset {_describe(self.source)} is empty'
            )
        missing = [f for f in label_files(self.source) if not exists(f)]
        if missing:
            raise FileNotFoundError(
                f'UDADataset: {len(missing)} of {len(self.source)} source labels are missing '
                f'(e.g. {missing[0]}); the source must be labelled')
        if not _loads_labels(self.source):
            raise ValueError(
                'UDADataset: the source pipeline never loads the labels; add '
                "dict(type='LoadAnnotations') to source.pipeline")

    def _check_target(self) -> None:
        if len(self.target) == 0:
            raise ValueError(
                f'UDADataset: the target dataset {_describe(self.target)} has no images'
            )
        if _loads_labels(self.target):
            raise ValueError(
                'UDADataset: target labels are never read; remove LoadAnnotations '
                'from target.pipeline')

    def _init_rcs(self, cfg: dict) -> None:
        path = class_stats_path(self.source, cfg.pop('stats_file', None))
        self.min_crop_ratio = cfg.pop('min_crop_ratio', 0.5)
        counts = load_class_stats(path, self.source)
        classes = self.metainfo.get('classes')
        self.rcs = RareClassSampling(
            counts, num_classes=len(classes) if classes else None, **cfg)

    @property
    def metainfo(self) -> dict:
        """The source's (classes, palette): what the model is trained on."""
        return dict(getattr(self.source, 'metainfo', {}))

    def __len__(self) -> int:
        return len(self.source)

    def __getitem__(self, idx: Union[int, SampleDraw]) -> dict:
        if isinstance(idx, SampleDraw):
            seed = idx.rng_seed()
            with seeded_global_rng(seed):
                return self.prepare_pair(idx.index, draw_seed=seed)
        return self.prepare_pair(int(idx))

    def prepare_pair(self,
                     index: int,
                     draw_seed: Optional[int] = None) -> dict:
        """Source sample ``index`` (or a rare-class draw) and a random target
        sample, through their pipelines."""
        meta = {} if draw_seed is None else dict(draw_seed=draw_seed)
        if self.rcs is not None:
            cls, index = self.rcs.sample(np.random)
            source = self._rare_class_crop(index, cls)
            meta['rcs_class'] = cls
        else:
            source = self.source[index]
        target = self.target[np.random.randint(len(self.target))]
        if 'gt_sem_seg' not in source['data_samples']:
            raise ValueError(
                'UDADataset: the source sample has no gt_sem_seg; the source '
                'pipeline must end with PackSegInputs after LoadAnnotations')
        for sample in (source['data_samples'], target['data_samples']):
            sample.set_metainfo(meta)
        return dict(
            inputs=source['inputs'],
            data_samples=source['data_samples'],
            target_inputs=target['inputs'],
            target_data_samples=target['data_samples'])

    def _rare_class_crop(self, index: int, cls: int) -> dict:
        # As DAFormer: rerun the pipeline (a new random crop) until the crop
        # shows enough of the drawn class.
        threshold = self.rcs.min_pixels * self.min_crop_ratio
        sample = self.source[index]
        if self.min_crop_ratio <= 0:
            return sample
        for _ in range(self.MAX_CROP_TRIES - 1):
            label = sample['data_samples'].gt_sem_seg.data
            if int(torch.sum(label == cls)) > threshold:
                break
            sample = self.source[index]
        return sample


def _describe(dataset) -> str:
    return (
        f'{type(dataset).__name__}(data_root={getattr(dataset, "data_root", "")!r}, '
        f'data_prefix={getattr(dataset, "data_prefix", {})!r})')


def _loads_labels(dataset) -> bool:
    """Whether the dataset's pipeline has mmseg's ``LoadAnnotations`` (or a
    subclass, e.g. mmasm's size-checking one)."""
    transforms = getattr(getattr(dataset, 'pipeline', None), 'transforms', [])
    return any(isinstance(t, LoadAnnotations) for t in transforms)

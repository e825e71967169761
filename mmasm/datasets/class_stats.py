"""Per-image class pixel counts of a labelled dataset, cached beside it.

DAFormer's rare-class sampling (Hoyer et al., CVPR 2022) draws source images
by the classes they contain; the counts come from one pass over the label
files (DAFormer's ``sample_class_stats.json``, written by its GTA5
converter). mmasm computes them for any mmseg dataset with the dataset's own
label loading (``LoadAnnotations`` with its ``label_map`` and
``reduce_zero_label``), at the label files' resolution, and stores them with
each label file's name, size and modification time so that a cache that no
longer matches its dataset (files added, removed, or rewritten under the
same name) is an error, not a silent mis-sampling. Copies that keep
modification times (``cp -p``, ``rsync -a``) keep the cache valid; other
copies need it recomputed.
"""
import json
import logging
import os
import os.path as osp
from multiprocessing import Pool
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.logging import print_log
from mmengine.registry import init_default_scope
from mmseg.datasets.transforms import LoadAnnotations

from mmasm.registry import DATASETS

#: The default file name, in the source dataset's ``data_root`` (DAFormer's).
STATS_FILE = 'sample_class_stats.json'
FORMAT = 'mmasm.sample_class_stats.v2'
#: The format before files carried sizes and times (read, unchecked).
FORMAT_V1 = 'mmasm.sample_class_stats.v1'
#: Modification times may differ by this much (coarse file systems).
MTIME_TOLERANCE_NS = 1_000_000_000
#: The command that writes the cache (named in error messages).
STATS_TOOL = 'python tools/sample_class_stats.py CONFIG --nproc 8'

ClassCounts = Dict[int, int]


def default_stats_path(dataset) -> str:
    """``<data_root>/sample_class_stats.json`` of ``dataset``."""
    return osp.join(getattr(dataset, 'data_root', '') or '', STATS_FILE)


def label_files(dataset) -> List[str]:
    """The label file of every sample of ``dataset``, in index order; a clear
    error if the dataset has no labels."""
    files = []
    for index in range(len(dataset)):
        info = dataset.get_data_info(index)
        if not info.get('seg_map_path'):
            raise ValueError(
                f'{type(dataset).__name__} (data_root={getattr(dataset, "data_root", "")!r}) '
                f'has no labels: sample {index} ({info.get("img_path")}) has no '
                f'seg_map_path; set data_prefix.seg_map_path of the source dataset'
            )
        files.append(info['seg_map_path'])
    return files


def count_classes(info: dict, ignore_index: int = 255) -> ClassCounts:
    """``{class: pixels}`` of one sample's label, loaded as training loads it
    (``info``: a ``get_data_info`` dict)."""
    results = dict(info, seg_fields=[])
    results.setdefault('reduce_zero_label', False)
    LoadAnnotations()._load_seg_map(results)
    values, counts = np.unique(results['gt_seg_map'], return_counts=True)
    return {
        int(v): int(n)
        for v, n in zip(values, counts) if v != ignore_index
    }


def _count_job(job):
    return count_classes(*job)


def compute_class_stats(dataset, nproc: int = 1) -> List[ClassCounts]:
    """Class pixel counts of every sample of ``dataset`` (``nproc`` worker
    processes)."""
    label_files(dataset)  # fail early, naming the dataset, if unlabelled
    ignore_index = getattr(dataset, 'ignore_index', 255)
    jobs = [(dataset.get_data_info(i), ignore_index)
            for i in range(len(dataset))]
    if nproc > 1 and len(jobs) > 1:
        with Pool(min(nproc, len(jobs))) as pool:
            return pool.map(
                _count_job, jobs, chunksize=max(1,
                                                len(jobs) // (4 * nproc)))
    return [_count_job(job) for job in jobs]


def _relative(path: str, root: str) -> str:
    return osp.relpath(path, root) if root else path


def save_class_stats(path: str, dataset, counts: Sequence[ClassCounts]) -> str:
    """Write ``counts`` (aligned with ``dataset``'s indices) to ``path``."""
    root = getattr(dataset, 'data_root', '') or ''
    samples = [
        dict(
            file=_relative(f, root),
            **file_stamp(f),
            counts={
                str(c): n
                for c, n in sorted(cnt.items())
            }) for f, cnt in zip(label_files(dataset), counts)
    ]
    with open(path, 'w') as file:
        json.dump(
            dict(format=FORMAT, num_samples=len(samples), samples=samples),
            file,
            indent=1)
    return path


def file_stamp(path: str) -> dict:
    """``size`` and ``mtime_ns`` of ``path``: what tells a rewritten label."""
    stat = os.stat(path)
    return dict(size=stat.st_size, mtime_ns=stat.st_mtime_ns)


def load_class_stats(path: str, dataset) -> List[ClassCounts]:
    """The counts cached at ``path``, aligned with ``dataset``'s indices.

    Raises a clear error if the cache is missing, not mmasm's format, or
    stale (its label files are not exactly the dataset's, or one has another
    size or modification time than when it was counted).
    """
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'rare-class sampling needs the class statistics {path}, which do not '
            f'exist; compute them once with `{STATS_TOOL}`')
    with open(path) as file:
        stats = json.load(file)
    if not isinstance(stats, dict) or stats.get('format') not in (FORMAT,
                                                                  FORMAT_V1):
        raise ValueError(
            f'{path} is not an mmasm class statistics file (format {FORMAT}); '
            f'recompute it with `{STATS_TOOL}`')
    root = getattr(dataset, 'data_root', '') or ''
    expected = [_relative(f, root) for f in label_files(dataset)]
    cached = {s['file']: s for s in stats['samples']}
    _check_same_files(path, list(cached), expected)
    if stats['format'] == FORMAT_V1:
        print_log(
            f'{path} predates file sizes and times: labels rewritten since '
            f'it was computed go unnoticed; recompute it with `{STATS_TOOL}`',
            logger='current',
            level=logging.WARNING)
    else:
        _check_same_stamps(path, cached, label_files(dataset), expected)
    return [{
        int(c): int(n)
        for c, n in cached[f]['counts'].items()
    } for f in expected]


def _check_same_stamps(path: str, cached: dict, files: List[str],
                       names: List[str]) -> None:
    """Raise if a label file's size or time differs from the cached one."""
    changed = []
    for file, name in zip(files, names):
        stamp, entry = file_stamp(file), cached[name]
        if (stamp['size'] != entry.get('size')
                or abs(stamp['mtime_ns'] - entry.get('mtime_ns', 0))
                > MTIME_TOLERANCE_NS):
            changed.append(name)
    if changed:
        raise ValueError(
            f'stale class statistics {path}: {len(changed)} label files changed '
            f'(size or modification time) since they were counted, e.g. '
            f'{changed[0]}. Recompute it with `{STATS_TOOL}`')


def _check_same_files(path: str, cached: List[str],
                      expected: List[str]) -> None:
    if set(cached) == set(expected) and len(cached) == len(expected):
        return
    missing = sorted(set(expected) - set(cached))
    extra = sorted(set(cached) - set(expected))
    detail = []
    if missing:
        detail.append(
            f'{len(missing)} dataset labels are not in it (e.g. {missing[0]})')
    if extra:
        detail.append(
            f'{len(extra)} of its files are not in the dataset (e.g. {extra[0]})'
        )
    raise ValueError(
        f'stale class statistics {path}: it lists {len(cached)} label files, the source '
        f'dataset has {len(expected)}; {"; ".join(detail) or "the lists differ"}. '
        f'Recompute it with `{STATS_TOOL}`')


def class_stats_path(dataset, stats_file: Optional[str] = None) -> str:
    """``stats_file`` (relative paths: to the dataset's ``data_root``) or the
    default ``<data_root>/sample_class_stats.json``."""
    if stats_file is None:
        return default_stats_path(dataset)
    root = getattr(dataset, 'data_root', '') or ''
    return stats_file if osp.isabs(stats_file) or not root else osp.join(
        root, stats_file)


def source_dataset_cfg(cfg) -> tuple:
    """The source dataset config of a training config's
    ``train_dataloader.dataset`` (a ``UDADataset``'s ``source``, or the
    dataset itself) and its rare-class sampling settings."""
    dataset = cfg.train_dataloader.dataset
    if dataset.get('type') in ('UDADataset', 'mmasm.UDADataset'):
        return dataset.source, dataset.get('rare_class_sampling') or {}
    return dataset, {}


def write_config_class_stats(cfg,
                             nproc: int = 1,
                             out: Optional[str] = None) -> str:
    """Count the classes of every label of a training config's source
    dataset (read as training reads them) and write them where
    ``UDADataset`` looks for them (``rare_class_sampling.stats_file``, or
    ``<source data_root>/sample_class_stats.json``), or to ``out``; returns
    the file written. ``cfg`` is a loaded mmengine ``Config``."""
    init_default_scope(cfg.get('default_scope', 'mmasm'))
    source_cfg, rcs_cfg = source_dataset_cfg(cfg)
    dataset = DATASETS.build(dict(source_cfg, pipeline=[], lazy_init=False))
    out = out or class_stats_path(dataset, rcs_cfg.get('stats_file'))
    return save_class_stats(out, dataset,
                            compute_class_stats(dataset, nproc=nproc))

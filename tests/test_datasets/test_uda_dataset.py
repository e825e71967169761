"""UDADataset: source + target items, determinism, bad input, class
statistics and rare-class sampling."""
import json
import os
import shutil

import numpy as np
import pytest
import torch
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope
from utils import write_gta5

from mmasm.datasets import (SampleDraw, UDADataset, compute_class_stats,
                            load_class_stats, save_class_stats)
from mmasm.datasets.gta5 import convert_label_dir, gta5_label_to_train_ids
from mmasm.registry import DATASETS
from tools import sample_class_stats as tool_sample_class_stats

pytestmark = pytest.mark.usefixtures('one_torch_thread')

SOURCE_PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='RandomCrop', crop_size=(32, 32)),
    dict(type='PackSegInputs')
]
TARGET_PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomCrop', crop_size=(32, 32)),
    dict(type='PackSegInputs')
]


@pytest.fixture(autouse=True)
def mmasm_scope():
    init_default_scope('mmasm')


@pytest.fixture
def gta5(gta5_root):
    convert_label_dir(str(gta5_root / 'labels'), gta5_label_to_train_ids)
    return gta5_root


def source_cfg(root, pipeline=SOURCE_PIPELINE):
    return dict(
        type='GTA5Dataset',
        data_root=str(root),
        data_prefix=dict(img_path='images', seg_map_path='labels'),
        pipeline=pipeline)


def target_cfg(cityscapes_root, pipeline=TARGET_PIPELINE):
    return dict(
        type='ImageFolderDataset',
        data_root=str(cityscapes_root / 'leftImg8bit' / 'train'),
        pipeline=pipeline)


def test_items_pair_a_labelled_source_with_an_unlabelled_target(
        gta5, cityscapes_root):
    dataset = UDADataset(source_cfg(gta5), target_cfg(cityscapes_root))
    assert len(dataset) == 4
    assert dataset.metainfo['classes'][0] == 'road'
    batch = pseudo_collate([dataset[SampleDraw(i, 0, i)] for i in range(2)])
    assert set(batch) == {
        'inputs', 'data_samples', 'target_inputs', 'target_data_samples'
    }
    assert [tuple(x.shape)
            for x in batch['target_inputs']] == [(3, 32, 32)] * 2
    for source, target in zip(batch['data_samples'],
                              batch['target_data_samples']):
        assert 'gt_sem_seg' in source and 'gt_sem_seg' not in target
        assert source.draw_seed == target.draw_seed
        assert 'cityscapes' in target.img_path


def test_an_item_is_a_function_of_its_draw(gta5, cityscapes_root):
    dataset = UDADataset(source_cfg(gta5), target_cfg(cityscapes_root))
    first, again = dataset[SampleDraw(1, 7, 3)], dataset[SampleDraw(1, 7, 3)]
    for key in ('inputs', 'target_inputs'):
        assert torch.equal(first[key], again[key])
    others = [dataset[SampleDraw(1, 7, p)] for p in range(4, 10)]
    assert any(not torch.equal(first['target_inputs'], o['target_inputs'])
               for o in others)


def test_an_mmseg_target_dataset_is_read_without_its_labels(
        gta5, cityscapes_root):
    target = dict(
        type='CityscapesDataset',
        data_root=str(cityscapes_root),
        data_prefix=dict(
            img_path='leftImg8bit/train', seg_map_path='gtFine/train'),
        pipeline=TARGET_PIPELINE)
    item = UDADataset(source_cfg(gta5), target)[0]
    assert 'gt_sem_seg' not in item['target_data_samples']
    target['pipeline'] = SOURCE_PIPELINE
    with pytest.raises(ValueError, match='target labels are never read'):
        UDADataset(source_cfg(gta5), target)


@pytest.mark.parametrize('content', ['empty', 'notes only'])
def test_a_target_folder_without_images_is_a_clear_error(
        gta5, tmp_path, content):
    folder = tmp_path / 'target'
    folder.mkdir()
    if content == 'notes only':
        (folder / 'notes.txt').write_text('no images here')
    with pytest.raises(ValueError, match=f'no images in "{folder}"'):
        UDADataset(
            source_cfg(gta5),
            dict(type='ImageFolderDataset', data_root=str(folder)))


def test_a_source_without_labels_is_a_clear_error(gta5, cityscapes_root):
    target = target_cfg(cityscapes_root)
    unlabelled = dict(source_cfg(gta5), data_prefix=dict(img_path='images'))
    with pytest.raises(ValueError, match='has no labels.*seg_map_path'):
        UDADataset(unlabelled, target)
    no_loading = source_cfg(
        gta5, [dict(type='LoadImageFromFile'),
               dict(type='PackSegInputs')])
    with pytest.raises(ValueError, match='never loads the labels'):
        UDADataset(no_loading, target)
    cityscapes = dict(
        type='CityscapesDataset',
        data_root=str(cityscapes_root),
        data_prefix=dict(
            img_path='leftImg8bit/train', seg_map_path='gtFine/train'),
        pipeline=SOURCE_PIPELINE)
    shutil.rmtree(cityscapes_root / 'gtFine')
    with pytest.raises(
            FileNotFoundError,
            match='4 of 4 source labels are missing.*gtFine'):
        UDADataset(cityscapes, target)


def test_class_statistics_tool_counts_each_label(tmp_path, cityscapes_root,
                                                 capsys):
    root = tmp_path / 'gta5_stats'
    train_ids = write_gta5(root, num_images=3, seed=5)
    convert_label_dir(str(root / 'labels'), gta5_label_to_train_ids)
    config = tmp_path / 'cfg.py'
    config.write_text(
        f'train_dataloader = dict(dataset=dict(type="UDADataset", '
        f'source={source_cfg(root)!r}, target={target_cfg(cityscapes_root)!r}))\n'
    )
    tool_sample_class_stats.main([str(config), '--nproc', '2'])
    assert str(root / 'sample_class_stats.json') in capsys.readouterr().out
    samples = json.loads(
        (root / 'sample_class_stats.json').read_text())['samples']
    assert [s['file'] for s in samples
            ] == [f'labels/0000{i}_labelTrainIds.png' for i in (1, 2, 3)]
    for sample, label in zip(samples, train_ids):
        values, counts = np.unique(label[label != 255], return_counts=True)
        assert sample['counts'] == {
            str(v): int(n)
            for v, n in zip(values, counts)
        }


def test_stale_or_missing_class_statistics_are_clear_errors(
        gta5, cityscapes_root):
    rcs = dict(class_temp=0.01, min_pixels=63)
    with pytest.raises(
            FileNotFoundError,
            match='sample_class_stats.json.*tools/sample_class_stats'):
        UDADataset(source_cfg(gta5), target_cfg(cityscapes_root), rcs)
    source = DATASETS.build(source_cfg(gta5))
    save_class_stats(
        str(gta5 / 'sample_class_stats.json'), source,
        compute_class_stats(source))
    UDADataset(source_cfg(gta5), target_cfg(cityscapes_root),
               rcs)  # fresh: fine
    write_gta5(gta5, num_images=5, seed=9)  # one more image and label
    convert_label_dir(str(gta5 / 'labels'), gta5_label_to_train_ids)
    with pytest.raises(
            ValueError,
            match=r'stale class statistics .*sample_class_stats.json: '
            r'it lists 4 label files, the source dataset has 5.*00005_labelTrainIds'
    ):
        UDADataset(source_cfg(gta5), target_cfg(cityscapes_root), rcs)


def class_probabilities(counts, temperature):
    """DAFormer's Eq. 6 by hand: P(c) ∝ exp((1 - f_c) / T)."""
    totals = {}
    for image in counts:
        for c, n in image.items():
            totals[c] = totals.get(c, 0) + n
    freq = {c: n / sum(totals.values()) for c, n in totals.items()}
    weights = {c: np.exp((1 - f) / temperature) for c, f in freq.items()}
    return {c: w / sum(weights.values()) for c, w in weights.items()}


def test_rare_class_sampling_follows_the_class_temperature(
        tmp_path, cityscapes_root):
    root = tmp_path / 'gta5_rcs'
    write_gta5(root, num_images=12, seed=3)
    convert_label_dir(str(root / 'labels'), gta5_label_to_train_ids)
    source = DATASETS.build(source_cfg(root))
    counts = compute_class_stats(source)
    save_class_stats(str(root / 'sample_class_stats.json'), source, counts)
    temperature, min_pixels = 0.01, 63  # one 8x8 block of a class is enough
    dataset = UDADataset(
        source_cfg(root), target_cfg(cityscapes_root),
        dict(class_temp=temperature, min_pixels=min_pixels, min_crop_ratio=0))
    expected = class_probabilities(
        load_class_stats(str(root / 'sample_class_stats.json'), source),
        temperature)
    assert dataset.rcs.probabilities() == pytest.approx(expected)
    draws = 3000
    rng = np.random.default_rng(0)
    sampled = [dataset.rcs.sample(rng) for _ in range(draws)]
    for cls, image in sampled[:200]:
        assert counts[image][cls] > min_pixels
    observed = np.bincount([c for c, _ in sampled], minlength=19) / draws
    for cls, p in expected.items():  # within 5 standard errors
        assert abs(observed[cls] -
                   p) < 5 * np.sqrt(p * (1 - p) / draws) + 1e-3, cls
    # the dataset's items are rare-class draws too, labelled with their class
    item = dataset[SampleDraw(0, 0, 0)]
    assert item['data_samples'].rcs_class in expected


def test_rare_class_crops_are_retried_until_the_class_shows(
        tmp_path, cityscapes_root):
    root = tmp_path / 'gta5_crop'
    write_gta5(root, num_images=6, seed=4)
    convert_label_dir(str(root / 'labels'), gta5_label_to_train_ids)
    source = DATASETS.build(source_cfg(root))
    save_class_stats(
        str(root / 'sample_class_stats.json'), source,
        compute_class_stats(source))
    pipeline = SOURCE_PIPELINE[:2] + [
        dict(type='RandomCrop', crop_size=(8, 16)), SOURCE_PIPELINE[-1]
    ]

    def share_showing_the_class(min_crop_ratio):
        dataset = UDADataset(
            source_cfg(root, pipeline), target_cfg(cityscapes_root),
            dict(class_temp=1.0, min_pixels=63, min_crop_ratio=min_crop_ratio))
        items = [dataset[SampleDraw(0, 1, p)] for p in range(60)]
        return np.mean([
            int((i['data_samples'].gt_sem_seg.data ==
                 i['data_samples'].rcs_class).sum()) > 31 for i in items
        ])

    assert share_showing_the_class(0.5) > share_showing_the_class(0.0) + 0.2


def test_a_label_rewritten_under_its_name_makes_the_statistics_stale(
        gta5, cityscapes_root):
    rcs = dict(class_temp=0.01, min_pixels=63)
    source = DATASETS.build(source_cfg(gta5))
    save_class_stats(
        str(gta5 / 'sample_class_stats.json'), source,
        compute_class_stats(source))
    UDADataset(source_cfg(gta5), target_cfg(cityscapes_root),
               rcs)  # fresh: fine
    label = gta5 / 'labels' / '00002_labelTrainIds.png'
    other = gta5 / 'labels' / '00003_labelTrainIds.png'
    stat = label.stat()
    label.write_bytes(other.read_bytes())  # another label, same name
    os.utime(label, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    with pytest.raises(
            ValueError,
            match=r'stale class statistics .*sample_class_stats.json: '
            r'1 label files changed .*00002_labelTrainIds.png'):
        UDADataset(source_cfg(gta5), target_cfg(cityscapes_root), rcs)

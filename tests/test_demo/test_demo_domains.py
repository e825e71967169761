"""The demo domain generator (mmasm.demo.domains) and its tool."""
import filecmp
import json
import os
import os.path as osp

import cv2
import numpy as np
import pytest
from mmengine.registry import init_default_scope

from mmasm.datasets.gta5 import gta5_label_to_train_ids
from mmasm.demo.domains import (DEMO_TRAIN_IDS, make_demo_domains,
                                random_layout, render_sample, writer)
from mmasm.demo.domains.classes import SKY, train_id_to_label_id_table
from mmasm.demo.domains.source_style import render_source
from mmasm.demo.domains.textures import TARGET_TEXTURES
from mmasm.registry import DATASETS
from tools import make_demo_domains as tool_make_demo_domains

TINY = dict(num_source=8, num_target_train=3, num_target_val=5, size=(128, 64))
MICRO = dict(num_source=2, num_target_train=1, num_target_val=2, size=(64, 32))
NUM_STYLE_IMAGES = 13 * 5  # photos x (photo + 4 painted versions)
PIPELINE = [dict(type='LoadImageFromFile'), dict(type='LoadAnnotations')]


def read_rgb(path):
    return cv2.imread(str(path), cv2.IMREAD_COLOR)[..., ::-1]


def read_label(path):
    return cv2.imread(str(path), cv2.IMREAD_UNCHANGED)


def files_under(root):
    return sorted(
        osp.relpath(osp.join(folder, name), root)
        for folder, _, names in os.walk(root) for name in names)


def leftovers(folder):
    """Temporary folders the atomic writer may have left."""
    return [
        name for name in os.listdir(folder)
        if '.tmp-' in name or '.old-' in name
    ]


@pytest.fixture(scope='module')
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp('demo') / 'demo'
    make_demo_domains(str(root), seed=0, **TINY)
    return root


def source_samples(root):
    names = sorted(p for p in os.listdir(root / 'source' / 'images'))
    return [(read_rgb(root / 'source' / 'images' / n),
             read_label(root / 'source' / 'labels' /
                        n.replace('.png', '_labelTrainIds.png')))
            for n in names]


def target_samples(root, split):
    folder = root / 'target' / 'leftImg8bit' / split / 'demo'
    images = sorted(folder.iterdir())
    labels = root / 'target' / 'gtFine' / split / 'demo'
    return [
        (read_rgb(p),
         read_label(
             labels /
             p.name.replace('_leftImg8bit.png', '_gtFine_labelTrainIds.png')))
        for p in images
    ]


def test_file_layout_and_meta(demo):
    files = files_under(demo)
    assert files.count('meta.json') == 1
    assert [f for f in files if f.startswith('source/images/')
            ] == [f'source/images/{i:05d}.png' for i in range(1, 9)]
    assert len([f for f in files if f.startswith('source/labels/')]) == 16
    one_shot = 'leftImg8bit/train/demo/demo_000000_000019_leftImg8bit.png'
    assert 'target/' + one_shot in files
    for split, count in (('train', 3), ('val', 5)):
        for kind in ('leftImg8bit', 'gtFine'):
            found = [
                f for f in files
                if f.startswith(f'target/{kind}/{split}/demo/')
            ]
            assert len(found) == count * (1 if kind == 'leftImg8bit' else 2)
    meta = json.loads((demo / 'meta.json').read_text())
    assert meta['seed'] == 0 and meta['num_source'] == 8
    assert meta['size'] == dict(width=128, height=64)
    assert meta['target']['one_shot_image'] == one_shot
    assert [c['train_id'] for c in meta['classes']] == list(DEMO_TRAIN_IDS)
    assert len(meta['style']['images']) == NUM_STYLE_IMAGES


def test_label_files_agree(demo):
    """Source label ids -> the GTA5 converter's train ids == the train-id
    file; target label ids are the Cityscapes ids of the train ids."""
    labels = demo / 'source' / 'labels'
    for index in range(1, 9):
        converted = gta5_label_to_train_ids(str(labels / f'{index:05d}.png'))
        stored = read_label(labels / f'{index:05d}_labelTrainIds.png')
        np.testing.assert_array_equal(converted, stored)
    gt = demo / 'target' / 'gtFine' / 'val' / 'demo'
    for path in gt.glob('*_labelTrainIds.png'):
        label_ids = read_label(str(path).replace('TrainIds', 'Ids'))
        np.testing.assert_array_equal(
            label_ids,
            train_id_to_label_id_table()[read_label(path)])
        assert set(np.unique(label_ids)) <= {
            7, 8, 11, 12, 13, 17, 19, 20, 21, 22, 23, 24, 26
        }


def test_labels_are_cityscapes_train_ids(demo):
    for samples in (source_samples(demo), target_samples(demo, 'val')):
        present = set()
        for image, label in samples:
            assert image.shape == (64, 128, 3) and label.shape == (64, 128)
            assert label.dtype == np.uint8
            present |= set(np.unique(label).tolist())
        assert present <= set(DEMO_TRAIN_IDS)
        assert len(present) >= 8, present


def test_labels_align_with_source_pixels():
    """The game sky is the only colour with B >= 230 and R <= 190: its
    pixels are exactly the 'sky' labels (a label map shifted by a pixel
    would fail)."""
    with_sky = 0
    for index in range(8):
        layout = random_layout(np.random.default_rng(index), 160, 80)
        image = render_source(layout, np.random.default_rng(100 + index))
        sky_colour = (image[..., 2] >= 230) & (image[..., 0] <= 190)
        np.testing.assert_array_equal(sky_colour, layout.label == SKY)
        with_sky += (layout.label == SKY).sum() > 50
    assert with_sky >= 4


def class_statistics(domain, count=80, size=(64, 32)):
    """Pixel share of each train id and the share of images showing it."""
    pixels, presence = np.zeros(256), np.zeros(256)
    for index in range(count):
        _, label = render_sample(3, domain, index, size)
        histogram = np.bincount(label.ravel(), minlength=256)
        pixels += histogram
        presence += histogram > 0
    return pixels / pixels.sum(), presence / count


def test_domains_share_the_layout_distribution():
    """Same kind of layouts: class shares and how often each class shows up
    agree between the domains (within sampling noise: two source sets of
    different seeds differ by about 0.07 in L1)."""
    source, source_presence = class_statistics('source')
    target, target_presence = class_statistics('target_val')
    assert np.abs(source - target).sum() < 0.12
    assert np.abs(source_presence - target_presence).max() < 0.25
    # and it looks like a street: road the largest class, sky present
    assert source.argmax() == 0 and source[SKY] > 0.01


def texture_energy(samples, class_id):
    """Mean |Laplacian| of grey values inside (eroded) regions of a class."""
    energies = []
    for image, label in samples:
        grey = cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2GRAY)
        laplacian = np.abs(cv2.Laplacian(grey.astype(np.float32), cv2.CV_32F))
        inside = cv2.erode((label == class_id).astype(np.uint8),
                           np.ones((5, 5), np.uint8)).astype(bool)
        if inside.sum() > 20:
            energies.append(laplacian[inside].mean())
    return np.mean(energies)


def mean_colour(samples, class_id):
    return np.mean([
        image[label == class_id].mean(0)
        for image, label in samples if (label == class_id).sum() > 20
    ],
                   axis=0)


def test_domains_differ_in_appearance(demo):
    source = source_samples(demo)
    target = target_samples(demo, 'val') + target_samples(demo, 'train')
    for class_id in (0, 2, 8):  # road, building, vegetation: textured
        ratio = texture_energy(target, class_id) / texture_energy(
            source, class_id)
        assert ratio > 1.8, (class_id, ratio)
    distance = np.mean([
        np.abs(mean_colour(source, c) - mean_colour(target, c)).mean()
        for c in (0, 2, 8, SKY)
    ])
    assert distance > 15, distance


def test_deterministic_by_seed(tmp_path):
    first, second, other = (tmp_path / name for name in 'abc')
    make_demo_domains(str(first), seed=5, **MICRO)
    make_demo_domains(str(second), seed=5, **MICRO)
    make_demo_domains(str(other), seed=6, **MICRO)
    files = files_under(first)
    assert files == files_under(second) == files_under(other)
    match, mismatch, errors = filecmp.cmpfiles(
        first, second, files, shallow=False)
    assert mismatch == [] and errors == [] and len(match) == len(files)
    data_files = [f for f in files if f.startswith(('source', 'target'))]
    _, mismatch, _ = filecmp.cmpfiles(first, other, data_files, shallow=False)
    assert set(mismatch) == set(data_files)
    # a split's images do not depend on the other splits' sizes
    image = render_sample(5, 'target_val', 1, MICRO['size'])[0]
    np.testing.assert_array_equal(
        image,
        read_rgb(first / 'target/leftImg8bit/val/demo/demo_000001_000019_'
                 'leftImg8bit.png'))


def test_mmseg_datasets_read_both_layouts(demo):
    init_default_scope('mmasm')
    target = DATASETS.build(
        dict(
            type='CityscapesDataset',
            data_root=str(demo / 'target'),
            data_prefix=dict(
                img_path='leftImg8bit/val', seg_map_path='gtFine/val'),
            pipeline=PIPELINE))
    source = DATASETS.build(
        dict(
            type='GTA5Dataset',
            data_root=str(demo / 'source'),
            data_prefix=dict(img_path='images', seg_map_path='labels'),
            pipeline=PIPELINE))
    one_shot = DATASETS.build(
        dict(
            type='CityscapesDataset',
            data_root=str(demo / 'target'),
            data_prefix=dict(
                img_path='leftImg8bit/train', seg_map_path='gtFine/train'),
            pipeline=PIPELINE))
    assert (len(source), len(target), len(one_shot)) == (8, 5, 3)
    assert one_shot[0]['img_path'].endswith(
        'demo_000000_000019_leftImg8bit.png')
    for dataset, samples in ((source, source_samples(demo)),
                             (target, target_samples(demo, 'val'))):
        for index in (0, len(dataset) - 1):
            result = dataset[index]
            image, label = samples[index]
            np.testing.assert_array_equal(result['img'][..., ::-1], image)
            np.testing.assert_array_equal(result['gt_seg_map'], label)


def test_style_folder(demo):
    names = sorted(os.listdir(demo / 'style'))
    assert len(names) == NUM_STYLE_IMAGES
    assert not any(texture in name for name in names
                   for texture in TARGET_TEXTURES)
    photo = read_rgb(demo / 'style' / 'photo_astronaut.png')
    painted = read_rgb(demo / 'style' / 'poster_astronaut.png')
    assert photo.ndim == 3 and photo.shape == painted.shape
    assert np.abs(photo.astype(int) - painted).mean() > 5


def test_refuses_to_overwrite_unless_forced(tmp_path, capsys):
    out = tmp_path / 'out'
    out.mkdir()
    (out / 'mine.txt').write_text('keep me')
    with pytest.raises(FileExistsError, match='--force'):
        make_demo_domains(str(out), **MICRO)
    assert files_under(out) == ['mine.txt']
    status = tool_make_demo_domains.main([
        str(out), '--num-source', '2', '--num-target-train', '1',
        '--num-target-val', '1', '--size', '64', '32', '--force', '--preview'
    ])
    printed = capsys.readouterr()
    assert status == 0, printed.err[-3000:]
    assert 'one-shot target image' in printed.out
    assert not (out / 'mine.txt').exists()
    assert (out / 'meta.json').is_file() and leftovers(tmp_path) == []
    preview = read_rgb(out / 'preview.png')
    # rows of (source image, labels, target image, labels), 2 px gaps
    assert preview.shape == (2 * 32 + 2, 4 * 64 + 3 * 2, 3)
    np.testing.assert_array_equal(preview[:32, :64],
                                  read_rgb(out / 'source/images/00001.png'))


@pytest.mark.parametrize('kwargs, message', [
    (dict(size=(16, 32)), 'size'),
    (dict(size=(64, )), 'size'),
    (dict(size=(64.5, 32)), 'size'),
    (dict(num_source=0), 'num_source'),
    (dict(num_target_val=-2), 'num_target_val'),
    (dict(seed=-1), 'seed'),
])
def test_invalid_arguments(tmp_path, kwargs, message):
    arguments = dict(MICRO, **kwargs)
    with pytest.raises(ValueError, match=message):
        make_demo_domains(str(tmp_path / 'out'), **arguments)
    assert os.listdir(tmp_path) == []


def test_unwritable_destination(tmp_path):
    blocker = tmp_path / 'file.txt'
    blocker.write_text('not a folder')
    with pytest.raises(NotADirectoryError, match='file.txt'):
        make_demo_domains(str(blocker / 'sub' / 'demo'), **MICRO)
    with pytest.raises(FileExistsError, match='not a folder'):
        make_demo_domains(str(blocker), force=True, **MICRO)
    with pytest.raises(
            NotADirectoryError, match='cannot create its parent folder'):
        make_demo_domains(str(blocker / 'sub'), **MICRO)
    assert sorted(os.listdir(tmp_path)) == ['file.txt']


def test_failure_leaves_nothing_behind(tmp_path, monkeypatch):
    calls = []

    def fail_midway(*args):
        calls.append(args)
        raise RuntimeError('disk full (simulated)')

    monkeypatch.setattr(writer, 'write_cityscapes_sample', fail_midway)
    nested = tmp_path / 'new' / 'parents' / 'demo'
    with pytest.raises(RuntimeError, match='simulated'):
        make_demo_domains(str(nested), **MICRO)
    assert calls and os.listdir(tmp_path) == []  # parents removed too
    existing = tmp_path / 'demo'
    existing.mkdir()
    (existing / 'old.txt').write_text('old run')
    with pytest.raises(RuntimeError, match='simulated'):
        make_demo_domains(str(existing), force=True, **MICRO)
    assert files_under(existing) == ['old.txt']
    assert leftovers(tmp_path) == []

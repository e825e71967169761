"""RAIN pretraining data: ImageFolderDataset, ContentStyleDataset,
SeededInfiniteSampler, PackContentStyleInputs, image conversions."""
import itertools
import random

import cv2
import numpy as np
import pytest
import torch
from mmcv.transforms import LoadImageFromFile
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope
from torch.utils.data import DataLoader

from mmasm.datasets import (ContentStyleDataset, ImageFolderDataset,
                            PackContentStyleInputs, SampleDraw,
                            SeededInfiniteSampler)
from mmasm.registry import DATASETS

init_default_scope('mmasm')

PIPELINE = [
    dict(type='LoadImageFromFile', color_type='color'),
    dict(type='Resize', scale=(32, 16), keep_ratio=False),
    dict(type='RandomCrop', crop_size=(8, 8)),
]


def write_images(folder, names, seed=0, size=(12, 20)):
    rng = np.random.default_rng(seed)
    for name in names:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        assert cv2.imwrite(
            str(path), rng.integers(0, 256, size + (3, ), dtype=np.uint8))
    return folder


def folder_cfg(root, pipeline=PIPELINE):
    return dict(
        type='ImageFolderDataset', data_root=str(root), pipeline=pipeline)


@pytest.fixture
def pair_dataset(tmp_path):
    content = write_images(tmp_path / 'content',
                           [f'c{i}.png' for i in range(6)])
    style = write_images(
        tmp_path / 'style', [f's{i}.jpg' for i in range(5)], seed=1)
    return ContentStyleDataset(
        folder_cfg(content),
        folder_cfg(style),
        pipeline=[dict(type='PackContentStyleInputs')])


def test_image_folder_lists_images_recursively_sorted(tmp_path):
    write_images(tmp_path,
                 ['b.png', 'a/z.JPG', 'a/y.jpeg', 'c.webp', 'deep/er/x.bmp'])
    (tmp_path / 'notes.txt').write_text('not an image')
    (tmp_path / 'a' / 'label.json').write_text('{}')
    dataset = ImageFolderDataset(data_root=str(tmp_path))
    rel = [
        dataset.get_data_info(i)['img_path'][len(str(tmp_path)) + 1:]
        for i in range(len(dataset))
    ]
    assert rel == ['a/y.jpeg', 'a/z.JPG', 'b.png', 'c.webp', 'deep/er/x.bmp']


def test_image_folder_data_prefix(tmp_path):
    write_images(tmp_path / 'images', ['x.png', 'y.png'])
    write_images(tmp_path / 'other', ['z.png'])
    dataset = ImageFolderDataset(
        data_root=str(tmp_path), data_prefix=dict(img_path='images'))
    assert len(dataset) == 2


def test_image_folder_missing_or_empty_is_a_clear_error(tmp_path):
    missing = tmp_path / 'nowhere'
    with pytest.raises(FileNotFoundError, match=f'"{missing}" does not exist'):
        ImageFolderDataset(data_root=str(missing))
    (tmp_path / 'empty').mkdir()
    (tmp_path / 'empty' / 'readme.txt').write_text('x')
    with pytest.raises(
            ValueError, match=r'no images in ".*empty".*\.jpg, '
            r'\.jpeg, \.png'):
        ImageFolderDataset(data_root=str(tmp_path / 'empty'))


def test_load_image_color_converts_gray_rgba_16bit_to_bgr_uint8(tmp_path):
    """The conversion RAIN pretraining relies on: mmcv LoadImageFromFile
    with color_type='color' (cv2.IMREAD_COLOR) yields 3-channel uint8 BGR."""
    rng = np.random.default_rng(0)
    gray = rng.integers(0, 256, (6, 7), dtype=np.uint8)
    bgra = rng.integers(0, 256, (6, 7, 4), dtype=np.uint8)
    deep = rng.integers(0, 65536, (6, 7, 3), dtype=np.uint16)
    for name, img in (('g.png', gray), ('a.png', bgra), ('d.png', deep)):
        assert cv2.imwrite(str(tmp_path / name), img)
    load = LoadImageFromFile(color_type='color')

    def loaded(name):
        img = load(dict(img_path=str(tmp_path / name)))['img']
        assert img.shape == (6, 7, 3) and img.dtype == np.uint8
        return img

    assert (loaded('g.png') == gray[..., None]).all()
    assert (loaded('a.png') == bgra[..., :3]).all()  # alpha dropped
    assert (loaded('d.png') == (deep >> 8)).all()  # 16 -> 8 bit: / 256


def test_pack_rejects_images_that_are_not_bgr_uint8(tmp_path):
    assert cv2.imwrite(
        str(tmp_path / 'a.png'), np.zeros((8, 8, 4), dtype=np.uint8))
    rgba = LoadImageFromFile(color_type='unchanged')(
        dict(img_path=str(tmp_path / 'a.png')))
    ok = dict(img=np.zeros((8, 8, 3), dtype=np.uint8))
    with pytest.raises(
            ValueError,
            match=r'style image .*a\.png must be '
            r"3-channel.*color_type='color'"):
        PackContentStyleInputs()(dict(content=ok, style=rgba))


def test_pair_is_packed_as_chw_uint8(pair_dataset):
    sample = pair_dataset[SampleDraw(index=2, seed=0, position=0)]
    content, style = sample['inputs']['content'], sample['inputs']['style']
    assert content.shape == style.shape == (3, 8, 8)
    assert content.dtype == style.dtype == torch.uint8
    meta = sample['data_samples'].metainfo
    assert meta['content_path'].endswith('c2.png')
    assert meta['style_path'].endswith('.jpg')
    assert meta['draw_seed'] == SampleDraw(2, 0, 0).rng_seed()
    assert len(pair_dataset) == 6


def test_pair_depends_only_on_the_draw(pair_dataset):
    draw = SampleDraw(index=1, seed=7, position=11)
    np.random.seed(123)
    before = np.random.get_state()[1].copy(), random.getstate()
    first = pair_dataset[draw]
    # the global generators are left as they were
    assert (np.random.get_state()[1] == before[0]).all()
    assert random.getstate() == before[1]
    np.random.seed(999)
    again = pair_dataset[draw]
    for key in ('content', 'style'):
        assert torch.equal(first['inputs'][key], again['inputs'][key])
    assert first['data_samples'].metainfo == again['data_samples'].metainfo
    styles = {
        pair_dataset[SampleDraw(1, 7, p)]['data_samples'].style_path
        for p in range(30)
    }
    assert len(styles) == 5  # every style gets drawn


def test_sampler_yields_draws_and_resumes_the_same_stream(pair_dataset):
    sampler = SeededInfiniteSampler(pair_dataset, seed=3)
    stream = list(itertools.islice(iter(sampler), 15))
    assert all(isinstance(d, SampleDraw) and d.seed == 3 for d in stream)
    assert [d.position for d in stream] == list(range(15))
    assert sorted(d.index for d in stream[:6]) == list(range(6))
    resumed = SeededInfiniteSampler(pair_dataset, seed=3)
    resumed.skip(9)
    assert list(itertools.islice(iter(resumed), 6)) == stream[9:]


def test_batches_do_not_depend_on_workers(pair_dataset):

    def batches(num_workers):
        sampler = SeededInfiniteSampler(pair_dataset, seed=5)
        loader = DataLoader(
            pair_dataset,
            batch_size=2,
            sampler=sampler,
            num_workers=num_workers,
            collate_fn=pseudo_collate)
        return [b['inputs'] for b in itertools.islice(loader, 4)]

    for single, multi in zip(batches(0), batches(2)):
        for key in ('content', 'style'):
            assert all(
                torch.equal(a, b) for a, b in zip(single[key], multi[key]))


def test_content_from_an_mmseg_dataset(cityscapes_root, tmp_path):
    style = write_images(tmp_path / 'style', ['s0.png', 's1.png'])
    dataset = DATASETS.build(
        dict(
            type='ContentStyleDataset',
            content=dict(
                type='CityscapesDataset',
                data_root=str(cityscapes_root),
                data_prefix=dict(
                    img_path='leftImg8bit/train', seg_map_path='gtFine/train'),
                pipeline=PIPELINE),
            style=folder_cfg(style),
            pipeline=[dict(type='PackContentStyleInputs')]))
    assert len(dataset) == 4
    sample = dataset[0]
    assert sample['inputs']['content'].shape == (3, 8, 8)
    assert 'leftImg8bit' in sample['data_samples'].content_path
    assert 'draw_seed' not in sample['data_samples'].metainfo
    assert dataset.metainfo['classes'][0] == 'road'


def test_content_style_rejects_an_empty_dataset(tmp_path):
    content = write_images(tmp_path / 'content', ['c.png'])
    empty_content = dict(
        type='ImageFolderDataset',
        data_root=str(content),
        indices=0,
        serialize_data=False)
    with pytest.raises(ValueError, match='the content dataset .* is empty'):
        ContentStyleDataset(empty_content, folder_cfg(content))

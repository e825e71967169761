"""Digit datasets in their real on-disk formats, in mmpretrain pipelines:
USPS (LIBSVM ``usps.bz2``), SVHN (``train_32x32.mat``), MNIST (mmpretrain's
own class on idx files) with grey images repeated to 3 channels."""
import bz2
import struct

import numpy as np
import pytest
import torch
from mmengine.registry import init_default_scope
from scipy.io import savemat
from utils import save_random_rain

from mmasm.registry import join_toolkit


@pytest.fixture(autouse=True)
def mmpretrain_scope():
    """These datasets are used from mmpretrain configs."""
    join_toolkit('mmpretrain')
    init_default_scope('mmpretrain')


def build(cfg):
    from mmpretrain.registry import DATASETS as PRETRAIN_DATASETS
    return PRETRAIN_DATASETS.build(cfg)


def write_usps(path, labels, seed=0):
    """LIBSVM lines ``label 1:v ... 256:v``, labels 1-10 (digit + 1)."""
    pixels = np.random.default_rng(seed).uniform(-1, 1, (len(labels), 256))
    pixels[:, 0], pixels[:, 1] = -1.0, 1.0
    lines = [
        f'{d + 1} ' + ' '.join(f'{i + 1}:{v:.6f}' for i, v in enumerate(row))
        for d, row in zip(labels, pixels)
    ]
    with bz2.open(path, 'wt') as file:
        file.write('\n'.join(lines) + '\n')
    return pixels


def write_idx(root, prefix, images, labels):
    """MNIST's idx files (uncompressed, as mmpretrain's MNIST reads them)."""
    n, h, w = images.shape
    (root / f'{prefix}-images-idx3-ubyte'
     ).write_bytes(struct.pack('>IIII', 2051, n, h, w) + images.tobytes())
    (root / f'{prefix}-labels-idx1-ubyte').write_bytes(
        struct.pack('>II', 2049, n) + labels.astype(np.uint8).tobytes())


def test_usps_reads_libsvm_bz2_as_3_channel_digits(tmp_path):
    pixels = write_usps(tmp_path / 'usps.bz2', [9, 0, 4])
    write_usps(tmp_path / 'usps.t.bz2', [1, 2])
    train = build(dict(type='mmasm.USPSDataset', data_root=str(tmp_path)))
    test = build(
        dict(type='mmasm.USPSDataset', data_root=str(tmp_path), split='test'))
    assert len(train) == 3 and len(test) == 2
    assert [train.get_data_info(i)['gt_label'] for i in range(3)] == [9, 0, 4]
    img = train.get_data_info(0)['img']
    assert img.shape == (16, 16, 3) and img.dtype == np.uint8
    assert (img[0, 0] == 0).all() and (img[0, 1]
                                       == 255).all()  # -1 -> 0, 1 -> 255
    expected = np.round((pixels[0].reshape(16, 16) + 1) * 127.5)
    assert np.abs(img[..., 0].astype(float) - expected).max() <= 1
    assert train.metainfo['classes'] == tuple('0123456789')


def test_usps_names_the_file_and_line_of_a_bad_line(tmp_path):
    with bz2.open(tmp_path / 'usps.bz2', 'wt') as file:
        file.write('3 1:0.5 2:0.1\n5 1:oops\n')
    with pytest.raises(ValueError, match=r'usps\.bz2, line 2'):
        build(dict(type='mmasm.USPSDataset', data_root=str(tmp_path)))


def test_svhn_reads_mat_files_with_label_10_as_0(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (32, 32, 3, 4), dtype=np.uint8)
    savemat(tmp_path / 'test_32x32.mat',
            dict(X=x, y=np.array([[10], [1], [9], [10]])))
    dataset = build(
        dict(type='mmasm.SVHNDataset', data_root=str(tmp_path), split='test'))
    assert [dataset.get_data_info(i)['gt_label']
            for i in range(4)] == [0, 1, 9, 0]
    # stored RGB, served BGR like LoadImageFromFile
    np.testing.assert_array_equal(
        dataset.get_data_info(2)['img'], x[..., ::-1, 2])


def test_svhn_missing_split_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='train_32x32.mat'):
        build(dict(type='mmasm.SVHNDataset', data_root=str(tmp_path)))


def test_mnist_through_mmpretrain_with_grey_to_3_channels_and_random_rain(
        tmp_path):
    rng = np.random.default_rng(0)
    for prefix in ('train', 't10k'):
        write_idx(tmp_path, prefix,
                  rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
                  np.array([7, 2, 1]))
    rain = tmp_path / 'rain.pth'
    save_random_rain(rain)
    pipeline = [
        dict(type='mmasm.GrayToBGR'),
        dict(type='Resize', scale=(32, 32)),
        dict(type='mmasm.RandomRAIN', checkpoint=str(rain), prob=1.0),
        dict(type='PackInputs')
    ]
    dataset = build(
        dict(
            type='MNIST',
            data_root=str(tmp_path),
            download=False,
            pipeline=pipeline))
    plain = build(
        dict(
            type='MNIST',
            data_root=str(tmp_path),
            download=False,
            pipeline=pipeline[:2] + pipeline[3:]))
    np.random.seed(0)
    sample, reference = dataset[0], plain[0]
    assert sample['inputs'].shape == reference['inputs'].shape == (3, 32, 32)
    assert sample['inputs'].dtype == torch.uint8
    assert int(sample['data_samples'].gt_label) == 7
    grey = reference['inputs']
    assert torch.equal(grey[0], grey[1]) and torch.equal(grey[1], grey[2])
    assert not torch.equal(sample['inputs'], grey)  # stylized

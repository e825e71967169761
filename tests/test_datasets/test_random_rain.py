"""RandomRAIN in real mmseg pipelines, datasets and DataLoader workers."""
import pickle

import cv2
import numpy as np
import pytest
import torch
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from utils import save_random_rain

from mmasm.apis import (bgr_uint8_to_rgb01, compute_anchor, load_rain,
                        rgb01_to_bgr_uint8, stylize)
from mmasm.datasets.transforms import RandomRAIN
from mmasm.registry import TRANSFORMS

SIZE = (24, 32)  # H, W of the test images


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    """Two source images + labels, two target images and a checkpoint."""
    root = tmp_path_factory.mktemp('rain_data')
    rng = np.random.default_rng(0)
    for sub in ('img', 'ann', 'target'):
        (root / sub).mkdir()
    for name in ('a', 'b'):
        cv2.imwrite(
            str(root / 'img' / f'{name}.png'),
            rng.integers(0, 256, SIZE + (3, ), np.uint8))
        cv2.imwrite(
            str(root / 'ann' / f'{name}.png'),
            rng.integers(0, 2, SIZE, np.uint8))
    cv2.imwrite(
        str(root / 'target' / 't0.png'),
        rng.integers(0, 256, (20, 20, 3), np.uint8))
    cv2.imwrite(
        str(root / 'target' / 't1.png'),
        np.full((16, 28, 3), (30, 120, 220), np.uint8))
    save_random_rain(root / 'rain.pth')
    return root


def pipeline(data, **rain_cfg):
    steps = [dict(type='LoadImageFromFile'), dict(type='LoadAnnotations')]
    if rain_cfg:
        steps.append(
            dict(
                type='RandomRAIN',
                checkpoint=str(data / 'rain.pth'),
                **rain_cfg))
    return steps + [dict(type='PackSegInputs')]


def run(data, name='a', **rain_cfg):
    """Run the pipeline on image ``name``; returns (inputs, labels)."""
    init_default_scope('mmasm')
    results = Compose(pipeline(data, **rain_cfg))(
        dict(
            img_path=str(data / 'img' / f'{name}.png'),
            seg_map_path=str(data / 'ann' / f'{name}.png'),
            reduce_zero_label=False,
            seg_fields=[]))
    return results['inputs'], results['data_samples'].gt_sem_seg.data


def test_pipeline_prob_and_labels(data):
    plain, labels = run(data)
    np.random.seed(0)
    kept, kept_labels = run(data, prob=0.0)
    np.random.seed(0)
    styled, styled_labels = run(data, prob=1.0)
    assert styled.shape == plain.shape == (3, ) + SIZE
    assert styled.dtype == plain.dtype == torch.uint8
    assert torch.equal(kept, plain)
    assert (styled.float() - plain.float()).abs().mean() > 10
    assert torch.equal(kept_labels, labels)
    assert torch.equal(styled_labels, labels)


def test_output_matches_api_in_bgr_convention(data):
    """The packed BGR CHW input is RAIN's RGB output, channel-swapped."""
    np.random.seed(3)
    styled, _ = run(data, prob=1.0, mode='random')
    np.random.seed(3)
    assert np.random.rand() < 1.0
    seed = np.random.randint(2**31)
    rain = load_rain(str(data / 'rain.pth'))
    bgr = cv2.imread(str(data / 'img' / 'a.png'))
    eps = rain.sample_eps(1, generator=torch.Generator().manual_seed(seed))
    rgb = stylize(rain, bgr_uint8_to_rgb01(bgr), eps=eps)
    assert torch.equal(
        styled.permute(1, 2, 0), torch.from_numpy(rgb01_to_bgr_uint8(rgb)))


def test_anchored_uses_target_anchor(data):
    target = str(data / 'target' / 't1.png')
    transform = RandomRAIN(
        str(data / 'rain.pth'), prob=1.0, mode='anchored', target=target)
    img = cv2.imread(str(data / 'img' / 'b.png'))
    np.random.seed(7)
    out = transform(dict(img=img.copy()))
    assert out['rain_applied'] and out['img'].shape == img.shape

    np.random.seed(7)
    np.random.rand()
    seed = np.random.randint(2**31)
    rain = load_rain(str(data / 'rain.pth'))
    anchor = compute_anchor(rain, target)
    expected = stylize(
        rain,
        bgr_uint8_to_rgb01(img),
        'anchored',
        anchor=anchor,
        generator=torch.Generator().manual_seed(seed))
    assert np.array_equal(out['img'], rgb01_to_bgr_uint8(expected))

    random_mode = RandomRAIN(str(data / 'rain.pth'), prob=1.0)
    np.random.seed(7)
    assert np.abs(
        random_mode(dict(img=img.copy()))['img'].astype(float) -
        out['img']).mean() > 1


def test_target_folder_gives_one_anchor_per_image(data):
    transform = RandomRAIN(
        str(data / 'rain.pth'),
        prob=0.5,
        mode='anchored',
        target=str(data / 'target'))
    assert [p.rsplit('/', 1)[1]
            for p in transform.target_paths] == ['t0.png', 't1.png']
    np.random.seed(0)
    draws = [
        transform(dict(img=np.zeros(SIZE + (3, ), np.uint8)))['rain_applied']
        for _ in range(40)
    ]
    assert 10 < sum(draws) < 30  # prob 0.5 through np.random
    assert transform.anchor[0].shape == (2, 512)


def test_pickles_without_model(data):
    transform = TRANSFORMS.build(
        dict(type='RandomRAIN', checkpoint=str(data / 'rain.pth'), prob=1.0))
    transform(dict(img=np.zeros(SIZE + (3, ), np.uint8)))
    assert transform.rain is not None  # loaded lazily on first call
    blob = pickle.dumps(transform)
    assert len(blob) < 10_000  # the model's ~20M parameters stay behind
    clone = pickle.loads(blob)
    assert clone.rain is None
    np.random.seed(1)
    a = clone(dict(img=np.full(SIZE + (3, ), 90, np.uint8)))['img']
    np.random.seed(1)
    b = transform(dict(img=np.full(SIZE + (3, ), 90, np.uint8)))['img']
    assert np.array_equal(a, b)


def build_loader(data, seed):
    init_default_scope('mmasm')
    return Runner.build_dataloader(
        dict(
            batch_size=1,
            num_workers=2,
            persistent_workers=False,
            sampler=dict(type='DefaultSampler', shuffle=False),
            collate_fn=dict(type='pseudo_collate'),
            dataset=dict(
                type='BaseSegDataset',
                data_root=str(data),
                data_prefix=dict(img_path='img', seg_map_path='ann'),
                img_suffix='.png',
                seg_map_suffix='.png',
                metainfo=dict(classes=('a', 'b')),
                pipeline=pipeline(
                    data,
                    prob=1.0,
                    mode='anchored',
                    target=str(data / 'target' / 't0.png')))),
        seed=seed)


def test_dataloader_workers_are_seeded_and_lazy(data):
    """Real worker processes: each loads RAIN itself; mmengine seeds worker
    w with seed + w, so each output equals the main-process transform run
    after np.random.seed(seed + w)."""
    batches = [batch['inputs'][0] for batch in build_loader(data, seed=11)]
    again = [batch['inputs'][0] for batch in build_loader(data, seed=11)]
    assert all(torch.equal(x, y) for x, y in zip(batches, again))
    transform = RandomRAIN(
        str(data / 'rain.pth'),
        prob=1.0,
        mode='anchored',
        target=str(data / 'target' / 't0.png'))
    threads = torch.get_num_threads()
    torch.set_num_threads(
        1)  # as in a DataLoader worker (oneDNN rounds by threads)
    try:
        for worker, (name, batch) in enumerate(zip('ab', batches)):
            img = cv2.imread(str(data / 'img' / f'{name}.png'))
            np.random.seed(11 + worker)
            expected = transform(dict(img=img))['img']
            assert torch.equal(batch,
                               torch.from_numpy(expected).permute(2, 0, 1))
    finally:
        torch.set_num_threads(threads)


def test_bad_arguments_raise_at_construction(data, tmp_path):
    ckpt = str(data / 'rain.pth')
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        RandomRAIN(str(tmp_path / 'missing.pth'))
    with pytest.raises(ValueError, match=r'prob must be a number in \[0, 1\]'):
        RandomRAIN(ckpt, prob=1.5)
    with pytest.raises(ValueError, match='alpha'):
        RandomRAIN(ckpt, alpha=-0.1)
    with pytest.raises(ValueError, match="mode must be one of.*'asm'"):
        RandomRAIN(ckpt, mode='asm')
    with pytest.raises(ValueError, match='needs target'):
        RandomRAIN(ckpt, mode='anchored')
    with pytest.raises(ValueError, match="only used with mode='anchored'"):
        RandomRAIN(ckpt, target=str(data / 'target' / 't0.png'))
    with pytest.raises(FileNotFoundError, match='nothere.png'):
        RandomRAIN(ckpt, mode='anchored', target=str(tmp_path / 'nothere.png'))
    (tmp_path / 'fake.png').write_bytes(b'\x89PNG broken')
    with pytest.raises(ValueError, match='fake.png'):
        RandomRAIN(ckpt, mode='anchored', target=str(tmp_path / 'fake.png'))
    cv2.imwrite(str(tmp_path / 'tiny.png'), np.zeros((5, 30, 3), np.uint8))
    with pytest.raises(ValueError, match=r'tiny\.png.*at least'):
        RandomRAIN(ckpt, mode='anchored', target=[str(tmp_path / 'tiny.png')])
    (tmp_path / 'empty').mkdir()
    with pytest.raises(ValueError, match=r'no image in folder.*empty.*\.jpg'):
        RandomRAIN(ckpt, mode='anchored', target=str(tmp_path / 'empty'))
    transform = RandomRAIN(ckpt, prob=1.0)
    with pytest.raises(ValueError, match=r"'small.png'.*H, W >= 16"):
        transform(
            dict(img=np.zeros((4, 30, 3), np.uint8), img_path='small.png'))
    with pytest.raises(TypeError, match=r"'f.png' is float32; expected uint8"):
        transform(dict(img=np.zeros((9, 9, 3), np.float32), img_path='f.png'))

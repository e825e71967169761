"""The demo's target appearance domains: on disk as mmseg's
CityscapesDataset reads them, labels of the demo's classes only, the same
bytes for the same arguments, appearances that differ, and the dev / test
split."""
import hashlib
import importlib.util
from pathlib import Path

import cv2
import numpy as np
import pytest
from mmseg.datasets import CityscapesDataset
from utils import REPO_ROOT

from mmasm.demo.domains import (DEMO_TRAIN_IDS, DEV_DOMAINS, DOMAIN_SPLITS,
                                TARGET_DOMAINS, TEST_DOMAINS,
                                make_demo_domains, make_target_domains,
                                resolve_domains)

SIZE = (64, 32)
VAL = 'leftImg8bit/val/demo/demo_{:06d}_000019_leftImg8bit.png'


@pytest.fixture(scope='module')
def rendered(tmp_path_factory):
    root = tmp_path_factory.mktemp('domains')
    make_demo_domains(
        str(root / 'pair'),
        num_source=2,
        num_target_train=3,
        num_target_val=2,
        size=SIZE)
    folders = make_target_domains(
        str(root / 'domains'),
        str(root / 'pair'),
        list(TARGET_DOMAINS),
        num_train=3,
        num_val=2)
    return root, {name: Path(folder) for name, folder in folders.items()}


def digest(folder):
    return {
        str(p.relative_to(folder)): hashlib.md5(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob('*')) if p.is_file()
        and not p.is_symlink() and 'source' not in p.parts[-4:-1]
    }


def test_each_domain_reads_as_a_cityscapes_target(rendered):
    root, folders = rendered
    for name, folder in folders.items():
        for split, count in (('train', 3), ('val', 2))[name != 'day':]:
            dataset = CityscapesDataset(
                data_root=f'{folder}/target',
                pipeline=[],
                data_prefix=dict(
                    img_path=f'leftImg8bit/{split}',
                    seg_map_path=f'gtFine/{split}'))
            assert len(dataset) == count, (name, split)
            for info in dataset:
                image = cv2.imread(info['img_path'])
                labels = cv2.imread(info['seg_map_path'], cv2.IMREAD_UNCHANGED)
                assert image.shape == (SIZE[1], SIZE[0], 3)
                assert set(np.unique(labels)) <= set(DEMO_TRAIN_IDS)
        # the pair's source and style images, through relative links
        pair_images = root / 'pair' / 'source' / 'images'
        assert sorted(p.name for p in pair_images.iterdir()) == sorted(
            p.name for p in (folder / 'source' / 'images').iterdir())
        pair_style = (root / 'pair' / 'style').resolve()
        assert (folder / 'style').resolve() == pair_style


def test_domains_share_layouts_and_differ_in_appearance(rendered):
    root, folders = rendered
    # day is the demo target itself, byte for byte
    assert (folders['day'] / 'target' / VAL.format(1)).read_bytes() == \
        (root / 'pair' / 'target' / VAL.format(1)).read_bytes()
    images = {
        name: cv2.imread(str(f / 'target' / VAL.format(0))).astype(float)
        for name, f in folders.items()
    }
    label = 'gtFine/val/demo/demo_000000_000019_gtFine_labelTrainIds.png'
    for name, folder in folders.items():
        assert (folder / 'target' / label).read_bytes() == \
            (folders['day'] / 'target' / label).read_bytes()
    names = list(images)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert np.abs(images[a] - images[b]).mean() > 4, (a, b)


def test_same_arguments_same_bytes(rendered, tmp_path):
    root, folders = rendered
    again = make_target_domains(
        str(tmp_path),
        str(root / 'pair'), ['night', 'rain'],
        num_train=3,
        num_val=2)
    for name in ('night', 'rain'):
        assert digest(Path(again[name])) == digest(folders[name])
        assert digest(Path(again[name])) == digest(folders[name])
    # a finished domain is kept, not rendered again
    again = {name: Path(folder) for name, folder in again.items()}
    before = (again['rain'] / 'meta.json').stat().st_mtime_ns
    make_target_domains(
        str(tmp_path),
        str(root / 'pair'), ['rain'],
        num_train=3,
        num_val=2,
        skip_existing=True)
    assert (again['rain'] / 'meta.json').stat().st_mtime_ns == before
    with pytest.raises(FileExistsError, match='already exists'):
        make_target_domains(str(tmp_path), str(root / 'pair'), ['rain'])


def test_dev_and_test_domains_split_all_domains():
    assert 1 <= len(DEV_DOMAINS) <= 3
    assert not set(DEV_DOMAINS) & set(TEST_DOMAINS)
    assert set(DEV_DOMAINS) | set(TEST_DOMAINS) == set(TARGET_DOMAINS)
    assert len(TARGET_DOMAINS) >= 8
    assert resolve_domains(['dev']) == DOMAIN_SPLITS['dev']
    assert resolve_domains(
        ['fog',
         'all']) == ('fog', ) + tuple(d for d in TARGET_DOMAINS if d != 'fog')
    with pytest.raises(ValueError, match='unknown target domain'):
        resolve_domains(['mars'])


def test_tool_renders_domains_beside_a_pair(rendered, tmp_path):
    root, _ = rendered
    spec = importlib.util.spec_from_file_location(
        'make_demo_domains', REPO_ROOT / 'tools' / 'make_demo_domains.py')
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.main([
        str(tmp_path / 'd'), '--domains', 'fog', '--pair',
        str(root / 'pair'), '--num-target-train', '3', '--num-target-val', '1',
        '--preview-dir',
        str(tmp_path / 'p')
    ]) == 0
    assert (tmp_path / 'd' / 'fog' / 'target' / VAL.format(0)).is_file()
    preview = cv2.imread(str(tmp_path / 'p' / 'fog.png'))
    assert preview.shape[0] == (2 * SIZE[1] + 2) // 2
    with pytest.raises(FileNotFoundError, match='render the demo pair first'):
        make_target_domains(
            str(tmp_path / 'e'), str(tmp_path / 'nowhere'), ['fog'])

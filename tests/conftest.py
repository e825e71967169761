"""Shared fixtures: tiny Cityscapes / GTA5 folders written in tmp_path.

Helpers and the tiny SegFormer config live in tests/utils.py
(``from utils import tiny_segformer_config, ...``).
"""
import gc

import pytest
import torch
from mmengine.registry import init_default_scope
from utils import train_in_sequence, write_cityscapes, write_gta5

import mmasm  # noqa: F401
from mmasm.utils import register_config_packages

# What mmasm's tools do before reading a config: `mmseg::` / `mmasm::` bases.
register_config_packages()


def pytest_collection_finish(session):
    """Move what the imports made (torch, mmseg, mmasm, the test modules:
    hundreds of thousands of objects that live until exit) out of the
    garbage collector's view: mmengine's datasets call ``gc.collect()``
    each time they are built, which otherwise walks them all (about a
    second each time on 2 busy cores)."""
    gc.freeze()


def pytest_configure(config):
    config.addinivalue_line(
        'markers', 'two_rank_runs(write=FUNCTION): the test reads the 2-rank '
        'training runs that write(root) sets up (see two_rank_runs)')


@pytest.fixture(scope='session')
def two_rank_runs(request, tmp_path_factory):
    """The 2-CPU-rank training runs of every selected test marked
    ``two_rank_runs(write=write)``, one after another in one torchrun launch
    (each rank imports torch, mmseg and mmasm once for all of them).
    ``write(root)`` writes a test's data and configs under ``root`` and
    returns its runs' ``tools/train.py`` arguments (run in that order);
    the fixture maps each ``write`` to its ``root``."""
    writers = []
    for item in request.session.items:
        for mark in item.iter_markers('two_rank_runs'):
            if mark.kwargs['write'] not in writers:
                writers.append(mark.kwargs['write'])
    top = tmp_path_factory.mktemp('two_rank_runs')
    roots, runs = {}, []
    for index, write in enumerate(writers):
        roots[write] = top / f'{index}_{write.__name__}'
        roots[write].mkdir()
        runs += write(roots[write])
    train_in_sequence(runs, top / 'train.log', ranks=2, timeout=1800)
    return roots


@pytest.fixture(autouse=True)
def mmasm_default_scope():
    """Each test starts in mmasm's registry scope, whatever default scope a
    Runner of an earlier test (e.g. of an mmseg config) left behind."""
    init_default_scope('mmasm')


@pytest.fixture(scope='module')
def one_torch_thread():
    """One intra-op thread for a test module (``pytestmark =
    pytest.mark.usefixtures('one_torch_thread')``): tiny tensors run faster,
    and far faster when the cores are shared (no OpenMP spin-waiting; MKL's
    SVD crawls with 2 competing threads)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def cityscapes_root(tmp_path):
    """Cityscapes layout: 4 train and 2 val images (32x64) with train-id
    labels, city 'aachen' (the first train image is the authors' one-shot
    target name, aachen_000000_000019)."""
    root = tmp_path / 'cityscapes'
    write_cityscapes(root, 'train', num_images=4, seed=0)
    write_cityscapes(root, 'val', num_images=2, seed=1)
    return root


@pytest.fixture
def gta5_root(tmp_path):
    """GTA5 layout: 4 images (32x64) with Cityscapes label ids (0..33)."""
    root = tmp_path / 'gta5'
    write_gta5(root, num_images=4, seed=2)
    return root

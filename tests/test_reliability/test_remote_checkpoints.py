"""Every scheme mmengine's ``CheckpointLoader`` knows loads weights-only:
a pickle that calls ``os.system`` (it would create a marker file) is
refused whether it comes from an ``https://`` URL (already in torch.hub's
cache: no network), an ``open-mmlab://`` name of a local file, or an
``s3://`` object store, and through ``tools/test.py CONFIG URL``; trusting
the URL as written opts in."""
import json
import os
import runpy
import sys

import pytest
import torch
from mmengine.fileio.backends import BaseStorageBackend, backends
from mmengine.runner.checkpoint import CheckpointLoader
from utils import REPO_ROOT, write_tiny_segformer_config

from mmasm.utils import trust_checkpoints, use_safe_checkpoint_loader
from mmasm.utils.checkpoint.safe_loading import _trusted

REFUSAL = r'refused to unpickle posix.system(.|\n)*trusted_checkpoints'

URL = 'https://example.invalid/models/evil.pth'


class RunsCode:
    """Unpickles as ``os.system(command)``."""

    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        return os.system, (self.command, )


def save_evil(path, marker):
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(
        dict(
            state_dict=dict(w=torch.zeros(1)),
            meta=RunsCode(f'touch {marker}')), path)
    return path


@pytest.fixture
def safe_loaders(monkeypatch, tmp_path):
    """mmasm's loaders for this test only; torch.hub and mmengine homes in
    tmp_path."""
    monkeypatch.setattr(CheckpointLoader, '_schemes',
                        dict(CheckpointLoader._schemes))
    monkeypatch.setitem(_trusted, 'files', set())
    monkeypatch.setitem(_trusted, 'all', False)
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch'))
    monkeypatch.setenv('MMENGINE_HOME', str(tmp_path / 'mmengine'))
    use_safe_checkpoint_loader()
    return tmp_path / 'marker'


def test_every_scheme_is_mmasms(safe_loaders):
    for prefix, loader in CheckpointLoader._schemes.items():
        assert loader.__module__.startswith('mmasm.'), (prefix, loader)


def test_a_cached_url_is_refused_then_trusted(safe_loaders, tmp_path):
    marker = safe_loaders
    save_evil(tmp_path / 'torch' / 'hub' / 'checkpoints' / 'evil.pth', marker)
    with pytest.raises(ValueError, match=REFUSAL):
        CheckpointLoader.load_checkpoint(URL)
    with pytest.raises(ValueError, match=REFUSAL):
        CheckpointLoader.load_checkpoint(URL.replace('https', 'http'))
    assert not marker.exists()
    trust_checkpoints([URL])
    assert torch.equal(
        CheckpointLoader.load_checkpoint(URL)['state_dict']['w'],
        torch.zeros(1))
    assert marker.exists()  # what the user opted in to


def test_open_mmlab_name_of_a_local_file_is_refused(safe_loaders, tmp_path):
    home = tmp_path / 'mmengine'
    save_evil(home / 'evil.pth', safe_loaders)
    (home / 'open_mmlab.json').write_text(json.dumps({'evil_net': 'evil.pth'}))
    for name in ('open-mmlab://evil_net', 'openmmlab://evil_net'):
        with pytest.raises(ValueError, match=REFUSAL):
            CheckpointLoader.load_checkpoint(name)
    assert not safe_loaders.exists()


class FolderObjectStore(BaseStorageBackend):
    """An object store whose ``s3://bucket/KEY`` objects are files in a
    folder (stands in for petrel's client, which the tests cannot reach)."""
    root = None

    def __init__(self, **kwargs):
        pass

    def get(self, filepath):
        return (self.root / str(filepath).split('://', 1)[1]).read_bytes()

    def get_text(self, filepath, encoding='utf-8'):
        return self.get(filepath).decode(encoding)


def test_object_store_bytes_are_refused(safe_loaders, tmp_path, monkeypatch):
    save_evil(tmp_path / 'bucket' / 'evil.pth', safe_loaders)
    monkeypatch.setattr(FolderObjectStore, 'root', tmp_path)
    monkeypatch.setitem(backends, 'petrel', FolderObjectStore)
    for name in ('s3://bucket/evil.pth', 'cluster:s3://bucket/evil.pth'):
        with pytest.raises(ValueError, match=REFUSAL):
            CheckpointLoader.load_checkpoint(name)
    assert not safe_loaders.exists()


def test_tools_test_refuses_a_cached_url(safe_loaders, tmp_path,
                                         cityscapes_root, monkeypatch):
    """As a user runs it (the tool's ``main`` in this process): the file a
    download left in torch.hub's cache."""
    save_evil(tmp_path / 'torch' / 'hub' / 'checkpoints' / 'evil.pth',
              safe_loaders)
    config = write_tiny_segformer_config(tmp_path / 'cfg.py', cityscapes_root)
    monkeypatch.setattr(
        sys, 'argv',
        ['test.py',
         str(config), URL, '--work-dir',
         str(tmp_path / 'work')])
    with pytest.raises(ValueError, match=REFUSAL):
        runpy.run_path(
            str(REPO_ROOT / 'tools' / 'test.py'), run_name='__main__')
    assert not safe_loaders.exists()

"""No checkpoint runs code: a ``.pth`` whose pickle calls ``os.system`` (it
would create a marker file) is refused, with a message naming the refused
global and the opt-in, on every path by which mmasm loads a checkpoint:
``tools/test.py``, ``tools/train.py --resume`` and ``load_from`` (each
tool's ``main`` in this process), the RAIN / LRM / VGG loaders and the RAIN
converter (its command line in a fresh process too). The opt-in
(``trusted_checkpoints``) unpickles fully."""
import os
import re
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.runner.checkpoint import CheckpointLoader
from utils import run_tool, write_tiny_segformer_config

from mmasm.models import RAIN
from mmasm.models.lrm import VGGFeatures, load_lrm_translator
from mmasm.models.rain import load_rain_checkpoint
from mmasm.utils import load_tensor_file, use_safe_checkpoint_loader
from mmasm.utils.checkpoint.safe_loading import _trusted
from tools import convert_rain_weights
from tools import test as tool_test
from tools import train as tool_train

REFUSAL = r'refused to unpickle posix.system(.|\n)*trusted_checkpoints'
CONVERTER_REFUSAL = r'refused to unpickle posix.system.*--trusted'


class RunsCode:
    """Unpickles as ``os.system(command)``."""

    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        return os.system, (self.command, )


@pytest.fixture
def evil(tmp_path):
    """A checkpoint (state dict + meta) whose pickle creates ``marker``."""
    marker = tmp_path / 'marker'
    path = tmp_path / 'evil.pth'
    torch.save(
        dict(
            state_dict=dict(w=torch.zeros(1)),
            meta=RunsCode(f'touch {marker}')), path)
    return dict(path=path, marker=marker)


@pytest.fixture
def mmengine_loaders(monkeypatch):
    """mmengine's scheme table and mmasm's trust list, restored after the
    test (the tools change them for their process)."""
    monkeypatch.setattr(CheckpointLoader, '_schemes',
                        dict(CheckpointLoader._schemes))
    monkeypatch.setitem(_trusted, 'files', set())
    monkeypatch.setitem(_trusted, 'all', False)


def test_mmasm_loaders_refuse_and_say_why(evil):
    path = str(evil['path'])
    loaders = [
        load_tensor_file, lambda p: load_rain_checkpoint(RAIN(), p),
        load_lrm_translator, lambda p: VGGFeatures(checkpoint=p)
    ]
    for load in loaders:
        with pytest.raises(ValueError, match=REFUSAL):
            load(path)
    assert not evil['marker'].exists()


def test_the_converter_refuses(evil, monkeypatch):
    """``convert`` as a user runs it (a fresh process exiting non-zero with
    the message), ``export`` through the tool's ``main`` in this process."""
    out = str(evil['path'].parent / 'out.pth')
    result = run_tool('convert_rain_weights.py', 'convert', '--vgg',
                      evil['path'], '--out', out)
    assert result.returncode != 0
    assert re.search(CONVERTER_REFUSAL, result.stderr), result.stderr[-2000:]
    monkeypatch.setattr(
        sys, 'argv',
        ['convert_rain_weights.py', 'export',
         str(evil['path']), out])
    with pytest.raises(ValueError, match=CONVERTER_REFUSAL):
        convert_rain_weights.main()
    assert not evil['marker'].exists()


@pytest.mark.parametrize(
    'tool, flags', [
        (tool_test, ['{evil}']),
        (tool_train, ['--resume', '--cfg-options', 'load_from={evil}']),
        (tool_train, ['--cfg-options', 'load_from={evil}']),
    ],
    ids=['test', 'resume', 'load_from'])
def test_the_tools_refuse_every_runner_path(tool, flags, evil, cityscapes_root,
                                            tmp_path, monkeypatch,
                                            mmengine_loaders):
    """Each tool's ``main`` in this process, with a user's command line."""
    config = write_tiny_segformer_config(tmp_path / 'cfg.py', cityscapes_root)
    monkeypatch.setattr(sys, 'argv', [
        tool.__file__,
        str(config), *(flag.format(evil=evil['path'])
                       for flag in flags), '--work-dir',
        str(tmp_path / 'work')
    ])
    with pytest.raises(ValueError, match=REFUSAL):
        tool.main()
    assert not evil['marker'].exists()


def test_corrupt_and_refused_files_are_told_apart(tmp_path):
    truncated = tmp_path / 'truncated.pth'
    torch.save(dict(w=torch.zeros(100)), truncated)
    truncated.write_bytes(truncated.read_bytes()[:200])
    with pytest.raises(
            ValueError, match='truncated.pth is not a readable PyTorch'):
        load_tensor_file(str(truncated))


def test_trusted_checkpoints_opts_in(evil, mmengine_loaders):
    use_safe_checkpoint_loader(Config(dict(trusted_checkpoints=False)))
    with pytest.raises(ValueError, match=REFUSAL):
        CheckpointLoader.load_checkpoint(str(evil['path']))
    assert not evil['marker'].exists()
    # runner checkpoints' own metadata still loads weights-only
    plain = evil['path'].parent / 'plain.pth'
    torch.save(
        dict(state_dict=dict(w=torch.ones(1)), meta=dict(seed=0)), plain)
    assert CheckpointLoader.load_checkpoint(str(plain))['meta'] == dict(seed=0)
    use_safe_checkpoint_loader(
        Config(dict(trusted_checkpoints=[str(evil['path'])])))
    checkpoint = CheckpointLoader.load_checkpoint(str(evil['path']))
    assert torch.equal(checkpoint['state_dict']['w'], torch.zeros(1))
    assert evil['marker'].exists()  # what the user opted in to

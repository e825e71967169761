"""tools/test.py refuses a checkpoint that does not fill the segmentor (a
RAIN file on a segmentor config: every segmentor weight missing, RAIN's
unexpected), naming the keys and the flag; ``--allow-partial-load``
evaluates anyway. The tool's ``main`` runs in this process (as
``python tools/test.py ...`` would, without a second interpreter start)."""
import re
import runpy
import sys

import pytest
import torch
from mmengine.runner.checkpoint import CheckpointLoader
from utils import REPO_ROOT, write_tiny_segformer_config

from mmasm.models import RAIN


def run_test_tool(monkeypatch, *args):
    monkeypatch.setattr(sys, 'argv', ['test.py', *map(str, args)])
    runpy.run_path(str(REPO_ROOT / 'tools' / 'test.py'), run_name='__main__')


def test_foreign_checkpoint_is_refused_unless_allowed(tmp_path,
                                                      cityscapes_root,
                                                      monkeypatch, capsys):
    monkeypatch.setattr(CheckpointLoader, '_schemes',
                        dict(CheckpointLoader._schemes))
    rain_file = tmp_path / 'rain.pth'
    torch.save(RAIN().state_dict(), rain_file)
    config = write_tiny_segformer_config(tmp_path / 'cfg.py', cityscapes_root)
    with pytest.raises(
            RuntimeError,
            match=r'rain.pth does not match the EncoderDecoder of '
            r'the config(.|\n)*missing keys \(\d+\): backbone\.'
            r'(.|\n)*unexpected keys \(\d+\): (.|\n)*'
            r'--allow-partial-load'):
        run_test_tool(monkeypatch, config, rain_file, '--work-dir',
                      tmp_path / 'a')
    assert not re.search(r'Iter\(test\).*mIoU', capsys.readouterr().out)
    run_test_tool(monkeypatch, config, rain_file, '--allow-partial-load',
                  '--work-dir', tmp_path / 'b')
    assert re.search(r'Iter\(test\).*mIoU', capsys.readouterr().out)

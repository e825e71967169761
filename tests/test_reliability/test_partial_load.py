"""tools/test.py refuses a checkpoint that does not fill the segmentor (a
RAIN file on a segmentor config: every segmentor weight missing, RAIN's
unexpected), naming the keys and the flag; ``--allow-partial-load``
evaluates anyway."""
import re
import runpy
import sys

import torch
from mmengine.runner.checkpoint import CheckpointLoader
from utils import REPO_ROOT, run_tool, write_tiny_segformer_config

from mmasm.models import RAIN


def test_foreign_checkpoint_is_refused_unless_allowed(tmp_path,
                                                      cityscapes_root,
                                                      monkeypatch, capsys):
    rain_file = tmp_path / 'rain.pth'
    torch.save(RAIN().state_dict(), rain_file)
    config = write_tiny_segformer_config(tmp_path / 'cfg.py', cityscapes_root)
    refused = run_tool('test.py', config, rain_file, '--work-dir',
                       tmp_path / 'a')
    assert refused.returncode != 0
    assert re.search(
        r'rain.pth does not match the EncoderDecoder of the config'
        r'(.|\n)*missing keys \(\d+\): backbone\.'
        r'(.|\n)*unexpected keys \(\d+\): (.|\n)*--allow-partial-load',
        refused.stderr), refused.stderr[-2000:]
    assert not re.search(r'Iter\(test\).*mIoU', refused.stdout)
    # the flag, in this process (saves a second interpreter start)
    monkeypatch.setattr(CheckpointLoader, '_schemes',
                        dict(CheckpointLoader._schemes))
    monkeypatch.setattr(sys, 'argv', [
        'test.py',
        str(config),
        str(rain_file), '--allow-partial-load', '--work-dir',
        str(tmp_path / 'b')
    ])
    runpy.run_path(str(REPO_ROOT / 'tools' / 'test.py'), run_name='__main__')
    assert re.search(r'Iter\(test\).*mIoU', capsys.readouterr().out)

"""``tools/dist_train.sh CFG 2`` on a machine without a GPU: tools/train.py
(``tool_config``) runs the ranks on CPU with ``mmasm.CPUDistRunner``
(gloo) when the config names no runner, instead of mmengine's "Found no
NVIDIA driver"; a runner that cannot is an error saying what to use."""
from argparse import Namespace

import pytest
from utils import TINY_SEGFORMER_CFG

from mmasm.utils import amp_device_available, tool_config

pytestmark = pytest.mark.skipif(amp_device_available(), reason='a GPU is here')


def args(tmp_path, launcher, **options):
    return Namespace(
        config=str(TINY_SEGFORMER_CFG),
        launcher=launcher,
        cfg_options=options or None,
        work_dir=str(tmp_path),
        resume=False,
        amp=False)


def test_cpu_ranks_get_the_cpu_runner(tmp_path):
    assert tool_config(args(tmp_path,
                            'pytorch')).runner_type == 'mmasm.CPUDistRunner'
    assert 'runner_type' not in tool_config(args(tmp_path, 'none'))
    with pytest.raises(
            ValueError,
            match=r"runner_type='FlexibleRunner' cannot run "
            r"distributed without a GPU.*runner_type='mmasm.CPUDistRunner'"):
        tool_config(args(tmp_path, 'pytorch', runner_type='FlexibleRunner'))

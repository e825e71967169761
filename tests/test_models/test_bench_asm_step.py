"""tools/benchmarks/bench_asm_step.py: each arm's config builds and trains
in the real Runner with its ASMHook (one timed iteration, in this
process; the script runs each arm in a child process)."""
import math

import pytest
from utils import save_random_rain

from tools.benchmarks.bench_asm_step import (ARMS, parse_args, run_arm,
                                             write_data)

pytestmark = pytest.mark.usefixtures('one_torch_thread')


def test_each_arm_trains_and_reports_its_step_time(tmp_path):
    write_data(str(tmp_path / 'data'), (32, 32))
    save_random_rain(tmp_path / 'rain.pth')
    for arm in ARMS:
        result = run_arm(
            parse_args([
                '--arm', arm, '--model', 'deeplabv2_r18', '--tmp',
                str(tmp_path), '--size', '32', '32', '--iters', '1',
                '--warmup', '0', '--threads', '1'
            ]))
        assert result['arm'] == arm
        assert 0 < result['step_s'] < math.inf
        assert math.isfinite(result['peak_mib'])

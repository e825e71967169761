"""tools/benchmarks/bench_gpu_check.py runs its checks tiny on the CPU and writes
one JSON of figures (the GPU machine runs the same script full size)."""
import json

import pytest

from tools.benchmarks import bench_gpu_check as gpu_check

pytestmark = pytest.mark.usefixtures('one_torch_thread')


def test_tiny_gpu_check_writes_every_figure(tmp_path):
    # the ASM check runs bench_asm_vs_authors.py's processes (over a
    # minute on a shared CPU): run by hand with --tiny
    out = tmp_path / 'gpu_check.json'
    gpu_check.main([
        '--tiny', '--checks', 'daformer_self_training', 'datum', '--out',
        str(out)
    ])
    report = json.loads(out.read_text())
    assert set(report['checks']) == {'daformer_self_training', 'datum'}
    assert all(c['ok'] for c in report['checks'].values()), report
    daformer = report['checks']['daformer_self_training']['figures']
    for arm in gpu_check.ARMS:
        assert daformer[arm]['seconds_per_step'] > 0
    datum = report['checks']['datum']['figures']
    assert datum['personalisation']['lora']['trained_params_m'] < \
        datum['personalisation']['full']['trained_params_m']
    assert datum['generation']['1']['images_per_second'] > 0


def test_checks_are_named_functions_of_tiny():
    assert list(gpu_check.CHECKS) == [
        'daformer_self_training', 'hrda_self_training', 'asm_deeplabv2',
        'datum'
    ]
    assert all(callable(check) for check in gpu_check.CHECKS.values())

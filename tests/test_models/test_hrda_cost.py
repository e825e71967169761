"""The GPU cost figures of HRDA run end to end on CPU with tiny shapes
(the same code a GPU check runs at 1024x1024 with MiT-B5)."""
import pytest

from tools.benchmarks.bench_hrda_cost import hrda_gpu_figures, model_config

pytestmark = pytest.mark.usefixtures('one_torch_thread')


def test_hrda_gpu_figures_run_tiny_on_cpu():
    figures = hrda_gpu_figures(tiny=True, steps=1)
    assert set(figures) == {'hrda', 'hrda_fd', 'hrda_fd_mic', 'daformer_fd'}
    for name, figure in figures.items():
        assert figure['step_s'] > 0, name
        assert figure['peak_mem_gib'] is None  # CPU: no allocator peak
    assert figures['hrda']['crop'] == 2 * figures['daformer_fd']['crop']


def test_the_paper_setting_is_mmasms_hrda_config():
    cfg = model_config('hrda', 1024, tiny=False, fd=True, mic=True)
    assert cfg['backbone']['embed_dims'] == 64  # MiT-B5
    assert cfg['backbone']['num_layers'] == [3, 6, 40, 3]
    assert cfg['backbone']['init_cfg'] is None  # random weights
    assert cfg['hr_crop_size'] == (512, 512)
    assert cfg['data_preprocessor']['size'] == (1024, 1024)
    assert cfg['imnet_feature_dist'] and cfg['mic']['block_size'] == 64
    assert 'imnet_feature_dist' not in model_config(
        'hrda', 1024, False, fd=False)

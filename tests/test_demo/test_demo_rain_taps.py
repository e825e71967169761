"""Demo RAINs with a shallower encoder tap: their pretraining
configs change only the tap, and the demo's arms and benchmarks build the
tap of the RAIN file they are given."""
import re

import pytest
from mmengine.config import Config
from utils import REPO_ROOT, run_module, save_random_rain

from mmasm.demo import demo_config, make_demo_domains
from mmasm.models.rain import load_rain_checkpoint
from mmasm.registry import MODELS
from mmasm.utils import build_module
from tools.benchmarks.demo_ablation.style_scores import arm_hook

pytestmark = pytest.mark.usefixtures('one_torch_thread')
SHOT = 'leftImg8bit/train/demo/demo_000000_000019_leftImg8bit.png'
RAIN_CONFIGS = REPO_ROOT / 'configs' / 'rain'


@pytest.mark.parametrize('tap, channels', [('relu3_1', 256), ('relu2_1', 128)])
def test_demo_rain_tap_configs_change_only_the_tap(tap, channels):
    default = Config.fromfile(RAIN_CONFIGS / 'rain_demo_cpu.py').to_dict()
    cfg = Config.fromfile(RAIN_CONFIGS / f'rain_demo-{tap}_cpu.py').to_dict()
    assert cfg['model']['rain'].pop('encoder_tap') == tap
    # relu2_1 is the demo's RAIN: exported where the demo configs expect it
    filename = 'rain_demo.pth' if tap == 'relu2_1' else f'rain_demo-{tap}.pth'
    assert cfg.pop('custom_hooks')[-1] == dict(
        type='WeightsExportHook', filename=filename)
    default.pop('custom_hooks')
    cfg.pop('encoder_tap')
    assert cfg == default  # data, crops, batch, warm-up, pixel term, schedule
    model = build_module(
        Config.fromfile(RAIN_CONFIGS / f'rain_demo-{tap}_cpu.py').model,
        MODELS)
    assert model.rain.encoder.tap == tap
    assert model.rain.decoder.layers[0][1] == channels


@pytest.fixture(scope='module')
def pair(tmp_path_factory):
    root = tmp_path_factory.mktemp('taps')
    data = root / 'demo'
    make_demo_domains(
        str(data),
        num_source=4,
        num_target_train=2,
        num_target_val=2,
        size=(64, 32))
    rains = {}
    for tap in ('relu3_1', 'relu2_1'):
        rains[tap] = root / f'rain_{tap}.pth'
        save_random_rain(rains[tap], encoder_tap=tap)
    return data, rains


@pytest.mark.parametrize('arm', ['random', 'asm'])
def test_demo_arms_build_the_rain_files_tap(pair, arm):
    data, rains = pair
    for tap, rain in rains.items():
        cfg = demo_config(arm, str(data), str(rain), SHOT, 0)
        assert cfg.custom_hooks[0].rain.encoder_tap == tap
        assert cfg.custom_hooks[
            0].rain.vae_depth == 3  # the rest of the config's RAIN kept
        hook = arm_hook(arm, str(data), str(rain), SHOT, 0)
        assert hook.mining.rain.encoder.tap == tap
    # a file not there yet (the quickstart's, before pretraining) leaves the
    # config's RAIN: the demo RAIN's relu2_1
    missing = demo_config(arm, str(data), str(data / 'none.pth'), SHOT, 0)
    assert missing.custom_hooks[0].rain.encoder_tap == 'relu2_1'


def test_anchor_distance_is_the_spread_of_the_first_draws(pair):
    """eps = psi + xi * z with z ~ N(0, I) in 512 dimensions: ||eps - psi||
    concentrates at ||xi||."""
    data, rains = pair
    result = run_module('tools.benchmarks.bench_anchor_distance', '--data',
                        data, '--rain', rains['relu3_1'], '--seeds', '0',
                        '--num-images', '4')
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    measured = float(
        re.search(r'seed 0: mean anchor distance ([\d.]+)', result.stdout)[1])
    hook = arm_hook('asm', str(data), str(rains['relu3_1']), SHOT, 0)
    spread = hook.mining.anchor_std.norm(dim=1).item()
    assert spread > 0
    assert measured == pytest.approx(spread, rel=0.15)


@pytest.mark.parametrize('config', [
    'demo/random_demo.py', 'demo/anchored_demo.py', 'demo/asm_demo.py',
    'demo/asm-self-training-1shot_demo.py', 'ash/ash_demo.py',
    'ash/ash_demo-frozen-conditioning.py'
])
def test_demo_configs_build_the_tap_of_the_demo_rain(config, tmp_path):
    """Run as they are (tools/train.py), the demo configs load the file
    configs/rain/rain_demo-relu2_1_cpu.py exports: their RAIN taps relu2_1."""
    cfg = Config.fromfile(REPO_ROOT / 'configs' / config)
    holders = [
        h for h in [*cfg.get('custom_hooks', []), cfg.model]
        if 'rain_checkpoint' in h
    ]
    assert [h.rain_checkpoint
            for h in holders] == ['work_dirs/quickstart/rain/rain_demo.pth']
    demo_tap = Config.fromfile(RAIN_CONFIGS /
                               'rain_demo-relu2_1_cpu.py').encoder_tap
    save_random_rain(tmp_path / 'rain_demo.pth', encoder_tap=demo_tap)
    rain = build_module(holders[0].rain, MODELS)
    load_rain_checkpoint(rain, str(tmp_path /
                                   'rain_demo.pth'))  # raises on another tap
    assert rain.encoder.tap == demo_tap

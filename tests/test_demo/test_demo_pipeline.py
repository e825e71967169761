"""The demo (mmasm.demo): arm configs, the quickstart and the benchmark end
to end on a micro demo pair (and their tools), plus the ASM figure helpers."""
import json
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample
from utils import TINY_SEGFORMER_CFG, run_module, run_tool, save_random_rain

from mmasm.apis import trace_search
from mmasm.demo import asm_hook_config, demo_config, make_demo_domains
from mmasm.models import RAIN, AdversarialStyleMining
from mmasm.registry import DATASETS, MODELS
from mmasm.visualization import project_search_path
from tools.benchmarks.demo_ablation import run_benchmark

DEMO_ARMS = ('source-only', 'random', 'anchored', 'asm', 'target-supervised',
             'ash', 'ash-frozen', 'ash-segmentation-loss', 'lrm',
             'lrm-no-perceptual', 'self-training', 'self-training-1shot',
             'asm-self-training-1shot')
SELF_TRAINING_ARMS = ('self-training', 'self-training-1shot',
                      'asm-self-training-1shot')
#: the runner's two cases: an arm trained directly, and an arm that first
#: trains a translator per one-shot image (the cheaper LRM variant; the
#: other arms differ from these in their configs only, built in the config
#: test)
BENCHMARK_ARMS = ('source-only', 'lrm-no-perceptual')


@pytest.fixture(scope='module')
def micro_pair(tmp_path_factory):
    root = tmp_path_factory.mktemp('demo')
    data = root / 'demo'
    make_demo_domains(
        str(data),
        num_source=4,
        num_target_train=3,
        num_target_val=2,
        size=(64, 32),
        preview=True)
    rain_dir = root / 'work' / 'rain'
    rain_dir.mkdir(parents=True)
    save_random_rain(rain_dir / 'rain_demo.pth')
    return data, root / 'work'


@pytest.mark.parametrize('arm', DEMO_ARMS)
def test_demo_configs_point_at_the_pair_rain_and_one_shot_image(
        arm, micro_pair):
    data, work = micro_pair
    shot = 'leftImg8bit/train/demo/demo_000001_000019_leftImg8bit.png'
    cfg = demo_config(arm, str(data), 'r.pth', shot, seed=3, max_steps=8)
    assert cfg.model.data_preprocessor.size == (32, 64)
    # schedulers step per iteration: each arm's poly decay ends at its last
    # iteration, i.e. after the same number of optimizer steps
    default = demo_config(arm, str(data), 'r.pth', shot, seed=3)
    schedulers = default.param_scheduler  # ASH: one list per network
    for chain in schedulers.values() if isinstance(schedulers,
                                                   dict) else [schedulers]:
        assert chain[-1].end == default.train_cfg.max_iters
    assert cfg.randomness.seed == 3
    train_set = cfg.train_dataloader.dataset
    if arm in SELF_TRAINING_ARMS:
        assert train_set.type == 'UDADataset' and cfg.model.type == 'DACS'
        # 4 labelled source images per optimizer step, as every arm
        assert cfg.train_dataloader.batch_size * (2
                                                  if 'asm' in arm else 1) == 4
        target = DATASETS.build(train_set.target)
        expected = ([data / 'target' /
                     shot] if arm.endswith('1shot') else sorted(
                         (data / 'target' / 'leftImg8bit' /
                          'train').glob('*/*.png')))
        assert [d['img_path']
                for d in target.load_data_list()] == list(map(str, expected))
        assert len(expected) == (1 if arm.endswith('1shot') else 3)
        train_set = train_set.source
    root = train_set.data_root
    assert osp.normpath(root) == str(
        data / ('target' if arm == 'target-supervised' else 'source'))
    assert osp.normpath(cfg.val_dataloader.dataset.data_root) == str(data /
                                                                     'target')
    hooks = cfg.get('custom_hooks', [])
    if arm in ('random', 'anchored', 'asm', 'asm-self-training-1shot'):
        assert hooks[0].rain_checkpoint == 'r.pth'
        assert hooks[0].target == str(data / 'target' / shot)
        assert hooks[0].sampling == arm.replace('-self-training-1shot', '')
        # n = 2 optimizer steps per ASM iteration: equal budgets
        assert cfg.train_cfg.max_iters == 4
    elif arm.startswith('ash'):
        assert not hooks and cfg.model.rain_checkpoint == 'r.pth'
        assert cfg.model.get('train_hallucinator', True) == (
            arm != 'ash-frozen')
        assert cfg.model.get('adversary',
                             'discriminator') == ('segmentation' if arm
                                                  == 'ash-segmentation-loss'
                                                  else 'discriminator')
        # 4 labelled source images per optimizer step, as every arm (the
        # stylized copies only enter the adversarial loss)
        assert cfg.train_dataloader.batch_size == 4 and cfg.train_cfg.max_iters == 8
        assert cfg.model.damping_iters == 8  # the adversarial weights reach 0 at the end
        assert osp.normpath(cfg.model.style) == str(data / 'style')
        assert 'target' not in cfg.model
    elif arm.startswith('lrm'):
        cfg = demo_config(
            arm, str(data), 'r.pth', shot, 3, 8, translator='t.pth')
        translate = next(t for t in cfg.train_dataloader.dataset.pipeline
                         if t.type == 'LRMTranslate')
        assert translate.checkpoint == 't.pth'
        assert translate.target == str(data / 'target' / shot)
    else:
        assert not hooks and cfg.train_cfg.max_iters == 8


def test_quickstart_tool_trains_both_arms_and_writes_the_report(micro_pair):
    """``run_quickstart`` through its tool, the README's one command."""
    data, work = micro_pair
    result = run_tool('quickstart.py', '--data', data, '--work-dir', work,
                      '--max-steps', '4')
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert f'reusing the pretrained RAIN {work}/rain/rain_demo.pth' in result.stdout
    assert 'done in' in result.stdout and str(
        work / 'report.md') in result.stdout
    report = (work / 'report.md').read_text()
    for arm in ('source-only', 'asm'):
        metrics = json.loads((work / arm / 'metrics.json').read_text())
        assert 0 <= metrics['mIoU13'] <= 100
        assert f'**{metrics["mIoU13"]:.2f}**' in report
    for figure in ('search_depths.png', 'eps_path.png', 'loss_sawtooth.png'):
        assert f']({figure})' in report
        image = cv2.imread(str(work / figure))
        assert image is not None and image.std() > 0
    # the depth grid: source, depths 0..4, target rows of 32-pixel images
    grid = cv2.imread(str(work / 'search_depths.png'))
    assert grid.shape[0] == 7 * 32 + 8 * 2


def test_benchmark_reports_every_arm_over_seeds_and_reuses_runs(
        micro_pair, tmp_path):
    data, work = micro_pair
    options = dict(
        work_dir=str(tmp_path),
        data=str(data),
        rain_dir=str(work / 'rain'),
        max_steps=2,
        lrm_iters=1)
    returned = run_benchmark(seeds=(0, 1), arms=BENCHMARK_ARMS, **options)
    results = json.loads((tmp_path / 'results.json').read_text())
    assert {
        arm: {
            str(s): r['mIoU13']
            for s, r in runs.items()
        }
        for arm, runs in returned.items()
    } == {
        arm: {
            s: r['mIoU13']
            for s, r in runs.items()
        }
        for arm, runs in results.items()
    }
    assert set(results) == set(BENCHMARK_ARMS)
    # LRM: one translator per one-shot image
    for seed in (0, 1):
        assert (tmp_path / 'lrm-no-perceptual' / f'seed{seed}' / 'translator' /
                'lrm_translator.pth').is_file()
    assert results['source-only']['1']['one_shot_image'].endswith(
        'demo_000001_000019_leftImg8bit.png')
    table = (tmp_path / 'ablation.md').read_text()
    for arm in BENCHMARK_ARMS:
        values = [results[arm][s]['mIoU13'] for s in ('0', '1')]
        assert f'| {np.mean(values):.2f} | {np.std(values):.2f} |' in table
    assert cv2.imread(str(tmp_path / 'ablation.png')) is not None
    with pytest.raises(ValueError, match='needs 4 target train images'):
        run_benchmark(seeds=(3, ), arms=BENCHMARK_ARMS, **options)
    with pytest.raises(ValueError, match=r"unknown arms \['ASM'\]"):
        run_benchmark(seeds=(0, ), arms=('ASM', ), **options)
    # the tool: finished runs are reused, the report covers the arms asked
    stamp = osp.getmtime(tmp_path / 'source-only' / 'seed0' / 'metrics.json')
    result = run_module('tools.benchmarks.bench_demo_ablation', '--data', data,
                        '--rain-dir', work / 'rain', '--work-dir', tmp_path,
                        '--seeds', '0', '1', '--arms', 'source-only')
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert osp.getmtime(tmp_path / 'source-only' / 'seed0' /
                        'metrics.json') == stamp
    assert 'training' not in result.stdout
    assert set(json.loads(
        (tmp_path / 'results.json').read_text())) == {'source-only'}


def test_trace_search_climbs_the_segmentor_loss_and_leaves_it_untouched():
    torch.manual_seed(0)
    cfg = Config.fromfile(str(TINY_SEGFORMER_CFG))
    segmentor = MODELS.build(cfg.model)
    segmentor.init_weights()
    rain = RAIN(vae_depth=2)
    mining = AdversarialStyleMining(rain, step_rule='l2', step_size=0.2)
    mining.set_anchor(torch.rand(1, 3, 32, 32))
    generator = torch.Generator().manual_seed(0)
    inputs, samples = [], []
    for _ in range(2):
        inputs.append(
            torch.randint(
                0, 256, (3, 32, 32), dtype=torch.uint8, generator=generator))
        label = torch.randint(0, 19, (1, 32, 32), generator=generator)
        samples.append(
            SegDataSample(
                gt_sem_seg=PixelData(data=label),
                metainfo=dict(img_shape=(32, 32), ori_shape=(32, 32))))
    before = {k: v.clone() for k, v in segmentor.state_dict().items()}
    segmentor.train()
    trace = trace_search(segmentor, mining,
                         dict(inputs=inputs, data_samples=samples), 3,
                         torch.Generator().manual_seed(1))
    assert len(trace.eps) == len(trace.losses) == len(trace.images) == 4
    assert all(b > a
               for a, b in zip(trace.losses, trace.losses[1:])), trace.losses
    steps = [(b - a).norm(dim=1) for a, b in zip(trace.eps, trace.eps[1:])]
    torch.testing.assert_close(torch.stack(steps), torch.full((3, 2), 0.2))
    for key, value in segmentor.state_dict().items():
        assert torch.equal(value, before[key]), key
    assert segmentor.training and all(p.requires_grad
                                      for p in segmentor.parameters())


def test_search_path_projection_puts_the_search_direction_on_x():
    generator = torch.Generator().manual_seed(0)
    anchor = torch.randn(16, generator=generator)
    direction = torch.zeros(16)
    direction[3] = 1.0
    start = anchor + 0.1 * torch.randn(5, 16, generator=generator)
    path = torch.stack([start + k * direction for k in range(4)])
    cloud = anchor + torch.randn(200, 16, generator=generator)
    path_xy, cloud_xy, axes = project_search_path(path, cloud, anchor)
    np.testing.assert_allclose(axes[0], direction.numpy(), atol=1e-6)
    assert abs(axes[0] @ axes[1]) < 1e-6
    # every step moves each path by exactly 1 along x
    np.testing.assert_allclose(
        np.diff(path_xy[..., 0], axis=0), 1.0, atol=1e-6)
    assert path_xy.shape == (4, 5, 2) and cloud_xy.shape == (200, 2)


def test_asm_hook_config_is_found_by_type_not_position(micro_pair):
    data, _ = micro_pair
    shot = 'leftImg8bit/train/demo/demo_000000_000019_leftImg8bit.png'
    cfg = demo_config('asm', str(data), 'r.pth', shot, seed=0)
    cfg.custom_hooks.insert(0, dict(type='EMAHook'))
    assert asm_hook_config(cfg).type == 'ASMHook'
    with pytest.raises(ValueError, match='expected one ASMHook'):
        asm_hook_config(
            demo_config('source-only', str(data), 'r.pth', shot, seed=0))

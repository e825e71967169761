"""The label-consistency benchmark of the demo's image generators, end to
end on a micro pair, reading run folders laid out as the benchmark's (its
own test checks that its runs leave checkpoints there)."""
import json

import cv2
import pytest
import torch
from utils import run_module, save_random_rain

from mmasm.demo import demo_config, make_demo_domains
from mmasm.evaluation.label_consistency import LabelConsistencyScore
from mmasm.models.lrm import LRMTranslator, save_lrm_translator
from mmasm.registry import MODELS
from mmasm.utils import build_module
from tools.benchmarks.demo_ablation.style_scores import (SCORE_DEPTHS,
                                                         score_seed,
                                                         source_batches,
                                                         trained_model)

pytestmark = pytest.mark.usefixtures('one_torch_thread')
SHOT = 'leftImg8bit/train/demo/demo_000000_000019_leftImg8bit.png'


@pytest.fixture(scope='module')
def finished_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp('scores')
    data = root / 'demo'
    make_demo_domains(
        str(data),
        num_source=6,
        num_target_train=2,
        num_target_val=2,
        size=(64, 32))
    rain = root / 'rain' / 'rain_demo.pth'
    rain.parent.mkdir()
    save_random_rain(rain)
    bench = root / 'bench'
    torch.manual_seed(0)
    for arm in ('source-only', 'target-supervised', 'ash'):
        run_dir = bench / arm / 'seed0'
        run_dir.mkdir(parents=True)
        model = build_module(
            demo_config(arm, str(data), str(rain), SHOT, 0).model, MODELS)
        torch.save(dict(state_dict=model.state_dict()), run_dir / 'iter_2.pth')
        (run_dir / 'last_checkpoint').write_text(str(run_dir / 'iter_2.pth'))
    (bench / 'target-supervised' / 'seed0' /
     'metrics.json').write_text('{"mIoU13": 12.5}')
    for arm in ('lrm', 'lrm-no-perceptual'):
        (bench / arm / 'seed0' / 'translator').mkdir(parents=True)
        save_lrm_translator(
            LRMTranslator(),
            bench / arm / 'seed0' / 'translator' / 'lrm_translator.pth')
    return data, rain, bench


def test_every_generator_is_scored_by_the_target_supervised_model(
        finished_runs, tmp_path):
    data, rain, bench = finished_runs
    result = run_module('tools.benchmarks.bench_label_consistency',
                        '--work-dir', tmp_path, '--bench-dir', bench, '--data',
                        data, '--rain', rain, '--seeds', '0', '--num-images',
                        '4')
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    scores = json.loads((tmp_path / 'style_scores.json').read_text())['0']
    names = [
        'source', 'random', 'anchored',
        *[f'asm-depth{d}' for d in range(SCORE_DEPTHS + 1)], 'ash', 'lrm',
        'lrm-no-perceptual'
    ]
    layout = [
        'source@one-shot-layout', 'lrm@one-shot-layout',
        'lrm-no-perceptual@one-shot-layout'
    ]
    assert list(scores) == names + layout
    table = (tmp_path / 'style_scores.md').read_text()
    for name in names + layout:
        assert f'| {name} | {scores[name]["mIoU"]:.2f} |' in table
    assert '| 12.50 | 0.00 | 12.50 |' in table.splitlines()[-1]
    # one row of 4 images (the first batch) per generator
    grid = cv2.imread(str(tmp_path / 'style_seed0.png'))
    assert grid.shape[0] == len(names) * 32 + (len(names) + 1) * 2
    # the raw-source row is the scorer on the unchanged images
    scorer = trained_model('target-supervised', str(bench), str(data),
                           str(rain), SHOT, 0)
    batches, classes = source_batches(str(data), str(rain), SHOT, 4, 3)
    assert [len(b['inputs']) for b in batches] == [3, 1]
    direct = LabelConsistencyScore(scorer, classes, [
        c['name']
        for c in json.loads((data / 'meta.json').read_text())['classes']
    ])
    for batch in batches:
        labels = torch.stack(
            [s.gt_sem_seg.data[0] for s in batch['data_samples']])
        direct.update(torch.stack(batch['inputs']).flip(1) / 255.0, labels)
    assert scores['source']['mIoU'] == pytest.approx(
        direct.result()['mIoU'], abs=1e-6)
    # the layout rows score the same images against the one-shot image's labels
    one_shot = cv2.imread(
        str(data / 'target' / SHOT.replace('leftImg8bit/', 'gtFine/').replace(
            '_leftImg8bit.png', '_gtFine_labelTrainIds.png')),
        cv2.IMREAD_UNCHANGED)
    direct = LabelConsistencyScore(scorer, classes, [
        c['name']
        for c in json.loads((data / 'meta.json').read_text())['classes']
    ])
    for batch in batches:
        labels = torch.from_numpy(one_shot).long().expand(
            len(batch['inputs']), -1, -1)
        direct.update(torch.stack(batch['inputs']).flip(1) / 255.0, labels)
    assert scores['source@one-shot-layout']['mIoU'] == pytest.approx(
        direct.result()['mIoU'], abs=1e-6)
    assert json.dumps(scores['source@one-shot-layout']) != json.dumps(
        scores['source'])


def test_a_zero_ascent_step_leaves_every_depth_at_the_anchored_draw(
        finished_runs):
    data, rain, bench = finished_runs
    scores = score_seed(
        str(bench),
        str(data),
        str(rain),
        0, ('asm', ),
        4,
        4,
        asm_step_size=0.0)
    depths = [scores[f'asm-depth{d}']['mIoU'] for d in range(SCORE_DEPTHS + 1)]
    assert depths == [depths[0]] * len(depths)
    moved = score_seed(
        str(bench),
        str(data),
        str(rain),
        0, ('asm', ),
        4,
        4,
        asm_step_size=50.0)
    assert moved['asm-depth0']['mIoU'] == depths[0]
    assert json.dumps([moved[f'asm-depth{d}'] for d in range(1, SCORE_DEPTHS + 1)]) != \
        json.dumps([scores[f'asm-depth{d}'] for d in range(1, SCORE_DEPTHS + 1)])


def test_seeded_and_missing_runs_named(finished_runs):
    data, rain, bench = finished_runs
    first = score_seed(str(bench), str(data), str(rain), 0, ('random', ), 4, 4)
    again = score_seed(str(bench), str(data), str(rain), 0, ('random', ), 4, 4)
    assert json.dumps(first) == json.dumps(again)  # NaN for absent classes
    # each generator's images do not depend on which others are scored
    together = score_seed(
        str(bench), str(data), str(rain), 0, ('random', 'anchored', 'asm'), 4,
        4)
    alone = score_seed(
        str(bench), str(data), str(rain), 0, ('asm', 'anchored'), 4, 4)
    for name in ('anchored',
                 *[f'asm-depth{d}' for d in range(SCORE_DEPTHS + 1)]):
        assert json.dumps(together[name]) == json.dumps(alone[name]), name
    with pytest.raises(
            FileNotFoundError,
            match=r"no finished 'target-supervised' run .*seed1"):
        score_seed(str(bench), str(data), str(rain), 1, ('source', ), 4, 4)

"""The generalisation benchmark: its bootstrap interval, its run cache and
dry run, and one real target-free arm trained once and tested on two
domains by mmengine's Runner."""
import json

import cv2
import numpy as np
import pytest
import torch
from utils import save_random_rain

from mmasm.demo import asm_hook_config, demo_config
from mmasm.demo.domains import make_demo_domains
from tools.benchmarks.generalisation import (Run, bootstrap_interval, grid,
                                             paired_differences, run_grid)
from tools.benchmarks.generalisation.cli import main
from tools.benchmarks.generalisation.grid import Context, write_result
from tools.benchmarks.generalisation.recipes import CURRENT, RECIPES
from tools.benchmarks.generalisation.stylizations import COLUMNS

pytestmark = pytest.mark.usefixtures('one_torch_thread')


def test_bootstrap_interval_of_a_hand_computed_case():
    # resampling [1, 3]: means 1, 2, 3 with probabilities 1/4, 1/2, 1/4, so
    # the 2.5th and 97.5th percentiles are 1 and 3
    assert bootstrap_interval([1.0, 3.0]) == (2.0, 1.0, 3.0)
    # [0, 0, 0, 4]: P(mean = 0) = (3/4)^4 = 0.32 > 0.025, so the low end is
    # 0; P(mean >= 3) = P(3 or 4 picks of the 4) = 13/256 = 0.051 > 0.025
    # and P(mean = 4) = 1/256 < 0.025: the high end is 3
    assert bootstrap_interval([0.0, 0.0, 0.0, 4.0]) == (1.0, 0.0, 3.0)
    assert bootstrap_interval([2.5]) == (2.5, 2.5, 2.5)
    values = np.random.default_rng(1).normal(size=30)
    assert bootstrap_interval(
        values, seed=3) == bootstrap_interval(
            values, seed=3)
    with pytest.raises(ValueError, match='non-empty'):
        bootstrap_interval([])


def test_paired_differences_use_the_pairs_both_arms_measured():
    a = {('fog', 0): 12.0, ('fog', 1): 10.0, ('day', 0): 20.0}
    b = {('fog', 0): 11.0, ('day', 0): 25.0, ('dusk', 0): 3.0}
    assert paired_differences(a, b) == [-5.0, 1.0]  # (day, 0), (fog, 0)


def test_a_cached_run_is_not_rerun_and_the_dry_run_lists_the_grid(
        tmp_path, capsys):
    runs = grid(['source-only', 'asm'], ['day', 'fog'], [0, 1])
    # the target-free arm's row first, then the per-domain arms
    assert runs[:4] == [
        Run('source-only', 'day', 0),
        Run('source-only', 'fog', 0),
        Run('asm', 'day', 0),
        Run('asm', 'fog', 0)
    ]
    assert len(runs) == 8 and len(set(runs)) == 8
    done = Run('asm', 'fog', 1)
    cache = tmp_path / CURRENT  # each recipe has its own cache
    (cache / 'asm' / 'fog' / 'seed1').mkdir(parents=True)
    write_result(done, str(cache), {'mIoU13': 42.0})
    # nothing to train from (no pair, no domains): only the cache can answer
    ctx = Context(str(cache), str(tmp_path / 'none'), {}, None)
    assert run_grid([done], ctx)[done]['mIoU13'] == 42.0
    assert main([
        '--dry-run', '--split', 'dev', '--domains', 'day', 'fog', '--arms',
        'source-only', 'asm', '--seeds', '0', '1', '--work-dir',
        str(tmp_path)
    ]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 8
    fog1 = [
        line.split('  ')[-1] for line in lines
        if 'fog' in line and 'seed 1' in line
    ]
    assert fog1 == ['train once + evaluate', 'cached']
    with pytest.raises(ValueError, match='not dev domains'):
        main(['--dry-run', '--domains', 'night'])


def tiny_pair(tmp_path):
    """A 64x32 demo pair with 3 target train images (seeds 0-2)."""
    pair = tmp_path / 'pair'
    make_demo_domains(
        str(pair),
        num_source=4,
        num_target_train=3,
        num_target_val=2,
        size=(64, 32))
    return pair


def test_target_free_arm_trains_once_and_is_tested_on_each_domain(tmp_path):
    pair = tiny_pair(tmp_path)
    work = tmp_path / 'work'
    args = [
        '--split', 'dev', '--domains', 'day', 'fog', '--arms', 'source-only',
        '--seeds', '0', '--max-steps', '2', '--pair',
        str(pair), '--domains-dir',
        str(tmp_path / 'domains'), '--work-dir',
        str(work), '--num-target-train', '3', '--num-target-val', '2'
    ]
    assert main(args) == 0
    work = work / CURRENT
    trained = json.loads((work / 'source-only' / 'trained' / 'seed0' /
                          'metrics.json').read_text())
    results = {
        d:
        json.loads(
            (work / 'source-only' / d / 'seed0' / 'result.json').read_text())
        for d in ('day', 'fog')
    }
    # the day domain is the pair's target: the test loop on it reproduces
    # the training's own last validation
    assert results['day']['mIoU13'] == pytest.approx(
        trained['mIoU13'], abs=1e-6)
    assert all(r['checkpoint'] == 'source-only/trained/seed0/iter_2.pth'
               for r in results.values())
    report = (work / 'generalisation_dev.md').read_text()
    mean = np.mean([r['mIoU13'] for r in results.values()])
    assert f'| source only | {mean:.2f} |' in report
    stamps = [
        p.stat().st_mtime_ns for p in sorted(work.rglob('*.json'))
        if p.parent.name == 'seed0'
    ]
    assert main(args) == 0  # resumed: everything cached, nothing retrained
    assert stamps == [
        p.stat().st_mtime_ns for p in sorted(work.rglob('*.json'))
        if p.parent.name == 'seed0'
    ]


def test_recipes_compare_their_asm_runs_paired_with_the_current_one(
        tmp_path, capsys):
    other = next(name for name in RECIPES if name != CURRENT)
    scores = {CURRENT: [10.0, 12.0, 11.0], other: [13.0, 15.0, 13.0]}
    for name, values in scores.items():
        for seed, value in enumerate(values):
            run = Run('asm', 'fog', seed)
            (tmp_path / name / 'asm' / 'fog' /
             f'seed{seed}').mkdir(parents=True)
            write_result(run, str(tmp_path / name), {'mIoU13': value})
    assert main([
        '--compare-recipes', '--domains', 'fog', 'day', '--work-dir',
        str(tmp_path)
    ]) == 0
    table = (tmp_path / 'recipes_dev.md').read_text()
    assert f'| {CURRENT} | 3 | 11.00 | 11.00 | - |  |' in table
    # paired by (domain, seed): differences 3, 3, 2
    assert f'| {other} | 3 | 13.67 | 13.67 | - | +2.67 [+2.00, +3.00] (n=3)' \
        in table
    assert table in capsys.readouterr().out


def test_the_report_is_rebuilt_from_a_results_record(tmp_path, capsys):
    records = [
        dict(arm='source-only', domain='fog', seed=0, mIoU13=10.0),
        dict(arm='source-only', domain='fog', seed=1, mIoU13=12.0),
        dict(arm='random', domain='fog', seed=0, mIoU13=13.0),
        dict(arm='random', domain='fog', seed=1, mIoU13=14.0),
    ]
    record = tmp_path / 'results_dev.json'
    record.write_text(json.dumps(records))
    assert main(['--report-from', str(record), '--domains', 'fog']) == 0
    out = capsys.readouterr().out
    assert '| source only | 11.00 | 11.00 |  |' in out
    # paired differences 3 and 2: mean 2.5, bootstrap ends 2 and 3
    assert '| RAIN, random styles | 13.50 | 13.50 | +2.50 [+2.00, +3.00] ' \
        '(n=2) |' in out
    record.write_text(json.dumps([dict(arm='random', mIoU13=1.0)]))
    with pytest.raises(ValueError, match="'arm', 'domain' and 'seed'"):
        main(['--report-from', str(record)])


def test_a_recipe_step_size_reaches_every_asm_hook_and_nothing_else(tmp_path):
    pair = str(tmp_path / 'pair')
    make_demo_domains(
        pair,
        num_source=2,
        num_target_train=1,
        num_target_val=1,
        size=(64, 32))
    shot = 'leftImg8bit/train/demo/demo_000000_leftImg8bit.png'
    for arm in ('asm', 'anchored', 'asm-self-training-1shot'):
        cfg = demo_config(arm, pair, '', shot, 0, step_size=8.0)
        assert asm_hook_config(cfg).step_size == 8.0
    assert asm_hook_config(demo_config('asm', pair, '', shot,
                                       0)).step_size == 1.0
    plain = demo_config('source-only', pair, '', shot, 0, step_size=8.0)
    assert 'step_size' not in str(plain.get('custom_hooks', ''))


def grid_tiles(path, rows, columns):
    """The tiles of an ``rgb_grid`` PNG (2-pixel padding), ``[row][col]``."""
    image = cv2.imread(str(path))[..., ::-1]
    height = (image.shape[0] - 2) // rows - 2
    width = (image.shape[1] - 2) // columns - 2
    return [[
        image[2 + r * (height + 2):2 + r * (height + 2) + height,
              2 + c * (width + 2):2 + c * (width + 2) + width]
        for c in range(columns)
    ] for r in range(rows)]


def luma_rows(printed):
    """The luma table the stylizations print: domain -> [(mean, std)]."""
    rows = {}
    for line in printed.splitlines():
        cells = [c.strip() for c in line.strip('|').split('|')]
        if len(cells) == 1 + len(COLUMNS) and ' / ' in cells[1]:
            rows[cells[0]] = [
                tuple(float(v) for v in c.split(' / ')) for c in cells[1:]
            ]
    return rows


def test_stylization_rows_share_the_source_and_differ_by_domain(
        tmp_path, capsys):
    pair = tiny_pair(tmp_path)
    rain_dir = tmp_path / 'rain'
    rain_dir.mkdir()
    save_random_rain(rain_dir / 'rain_demo.pth', encoder_tap='relu2_1')
    args = [
        '--split', 'dev', '--domains', 'day', 'fog', '--seeds', '0',
        '--max-steps', '2', '--pair',
        str(pair), '--domains-dir',
        str(tmp_path / 'domains'), '--work-dir',
        str(tmp_path / 'work'), '--rain-dir',
        str(rain_dir), '--num-target-train', '3', '--num-target-val', '2'
    ]
    with pytest.raises(FileNotFoundError, match='no finished ASM run'):
        main(args + ['--stylizations', str(tmp_path / 'figures')])
    assert main(args + ['--arms', 'asm']) == 0
    capsys.readouterr()
    assert main(args + ['--stylizations', str(tmp_path / 'figures')]) == 0
    table = luma_rows(capsys.readouterr().out)
    day, fog = grid_tiles(tmp_path / 'figures' / 'stylizations_dev.png', 2,
                          len(COLUMNS))
    assert np.array_equal(day[1], fog[1])  # one source image for all rows
    assert np.array_equal(day[2], fog[2])  # and one random style
    assert not np.array_equal(day[0], fog[0])  # each domain's one-shot image
    for row in (day, fog):
        # anchored styles differ by domain; the search moves the style
        assert not np.array_equal(row[3], row[4])
    assert not np.array_equal(day[3], fog[3])
    meta = json.loads((tmp_path / 'domains' / 'day' / 'meta.json').read_text())
    shot = tmp_path / 'domains' / 'day' / 'target' / meta['target'][
        'one_shot_image']
    expected = cv2.imread(str(shot))[..., ::-1]
    expected = torch.nn.functional.interpolate(
        torch.from_numpy(expected.copy()).permute(2, 0, 1)[None].float(),
        day[0].shape[:2],
        mode='bilinear',
        align_corners=False)[0].permute(1, 2, 0).round().numpy()
    assert np.abs(day[0].astype(float) - expected).max() <= 1
    luma = expected @ np.array([0.2989, 0.587, 0.114]) / 255
    assert table['day'][0] == pytest.approx((luma.mean(), luma.std()),
                                            abs=2e-3)
    assert table['day'][1:3] == table['fog'][1:3]  # one source, one random
    assert table['day'][3] != table['fog'][3]

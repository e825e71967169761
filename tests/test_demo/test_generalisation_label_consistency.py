"""The generalisation benchmark's label-consistency scores of the LRM
translations: per domain, the domain's own target-supervised run scores
that domain's LRM translator, read from the benchmark's cache layout."""
import numpy as np
import pytest
import torch

from mmasm.demo import demo_config, one_shot_image
from mmasm.demo.domains import make_demo_domains
from mmasm.models.lrm import LRMTranslator, save_lrm_translator
from mmasm.registry import MODELS
from mmasm.utils import build_module
from tools.benchmarks.demo_ablation.style_scores import score_seed
from tools.benchmarks.generalisation import Run
from tools.benchmarks.generalisation.cli import main
from tools.benchmarks.generalisation.grid import write_result
from tools.benchmarks.generalisation.recipes import CURRENT

pytestmark = pytest.mark.usefixtures('one_torch_thread')
DOMAINS = ('day', 'fog')


def fake_finished_runs(work, domains_dir, init_seed):
    """A target-supervised checkpoint and result and an LRM translator in
    each domain's cache folder, initialised differently per domain."""
    for index, domain in enumerate(DOMAINS):
        data = str(domains_dir / domain)
        torch.manual_seed(init_seed + index)
        run = Run('target-supervised', domain, 0)
        folder = work / run.folder('')
        folder.mkdir(parents=True)
        model = build_module(
            demo_config('target-supervised', data, '', one_shot_image(data, 0),
                        0).model, MODELS)
        torch.save(dict(state_dict=model.state_dict()), folder / 'iter_2.pth')
        (folder / 'last_checkpoint').write_text(str(folder / 'iter_2.pth'))
        write_result(run, str(work), {'mIoU13': 10.0 + index})
        translator = work / Run('lrm', domain, 0).folder('') / 'translator'
        translator.mkdir(parents=True)
        save_lrm_translator(LRMTranslator(), translator / 'lrm_translator.pth')


def test_each_domain_is_scored_by_its_own_target_supervised_run(
        tmp_path, capsys):
    pair = tmp_path / 'pair'
    make_demo_domains(
        str(pair),
        num_source=4,
        num_target_train=1,
        num_target_val=1,
        size=(64, 32))
    domains_dir, work = tmp_path / 'domains', tmp_path / 'work'
    args = [
        '--split', 'dev', '--domains', *DOMAINS, '--arms', 'lrm',
        'target-supervised', '--seeds', '0', '--pair',
        str(pair), '--domains-dir',
        str(domains_dir), '--work-dir',
        str(work), '--num-target-train', '1', '--num-target-val', '1',
        '--label-consistency', '4'
    ]
    with pytest.raises(
            FileNotFoundError,
            match=r"no finished 'target-supervised' run .*day.*seed0"):
        main(args)  # renders the domains, then finds no cached run
    fake_finished_runs(work / CURRENT, domains_dir, init_seed=3)
    capsys.readouterr()
    assert main(args) == 0
    table = (work / CURRENT / 'label_consistency_dev.md').read_text()
    assert table in capsys.readouterr().out
    expected = {}
    for domain in DOMAINS:

        def folder(arm, seed, domain=domain):
            return Run(arm, domain, seed).folder(str(work / CURRENT))

        scores = score_seed(folder, str(domains_dir / domain), '', 0,
                            ('source', 'lrm'), 4, 4)
        expected[domain] = {n: s['mIoU'] for n, s in scores.items()}
    # two domains, two scorers: the same source images score differently
    assert expected['day']['source'] != expected['fog']['source']
    rows = {
        line.split(' | ')[0][2:]: line.split(' | ')[1:]
        for line in table.splitlines() if line.startswith('| ')
    }
    day, fog = expected['day'], expected['fog']
    for name, label in (('source', 'source images, against their own'),
                        ('lrm', 'LRM translations, against the source'),
                        ('lrm@one-shot-layout',
                         'LRM translations, against the one-shot')):
        row = next(v for k, v in rows.items() if k.startswith(label))
        assert row[:3] == [
            f'{(day[name] + fog[name]) / 2:.2f}', f'{day[name]:.2f}',
            f'{fog[name]:.2f} |'
        ]
    scorer = next(v for k, v in rows.items() if k.startswith('(the scorer'))
    assert scorer[0] == '10.50'
    difference = np.mean(
        [day['lrm'] - day['source'], fog['lrm'] - fog['source']])
    row = rows['LRM - source, against the source labels']
    assert row[0].startswith(f'{difference:+.2f} [') and '(n=2)' in row[0]

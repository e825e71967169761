"""``python -m tools.benchmarks.generalisation``: the demo's generalisation
benchmark (see ``docs/en/benchmarks/generalisation.md``).

    python -m tools.benchmarks.generalisation --split dev \\
        [--arms source-only random ...] [--seeds 0 1 2] \\
        [--work-dir work_dirs/generalisation] [--dry-run]

renders the demo pair (``--pair``) and the split's target domains
(``--domains-dir``) if missing, pretrains the demo RAIN (``--rain-dir``) if
missing, then runs every (arm, domain, seed) not cached yet and writes
``WORK_DIR/generalisation_<split>.md`` and ``results_<split>.json`` after
each run. ``--dry-run`` lists the grid and what each cell would do;
``--report-from RECORD`` prints the report of a ``results_<split>.json``;
``--stylizations DIR`` draws one row of stylizations per domain from the
cached ASM runs (``DIR/stylizations_<split>.png``); ``--label-consistency``
scores the cached LRM translators with each domain's cached
target-supervised segmentor (``WORK_DIR/label_consistency_<split>.md``).
"""
import argparse
import json
import os
import os.path as osp
import sys
from typing import List, Optional

from mmasm.demo import DEFAULT_DATA, demo_domains, pretrain_rain
from mmasm.demo.domains import DOMAIN_SPLITS, domain_names, make_target_domains
from .arms import ARMS, NEEDS_RAIN
from .grid import Context, execute, grid, plan_lines, read_result
from .label_consistency import consistency_markdown, label_consistency
from .recipes import CURRENT, RECIPES
from .report import recipe_markdown, report_markdown
from .stylizations import stylization_figure

DEFAULT_DOMAINS_DIR = 'data/demo_domains'


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog='python -m tools.benchmarks.generalisation',
        description='Arms x target domains x seeds on the demo, with '
        'paired bootstrap intervals.')
    parser.add_argument(
        '--split',
        choices=sorted(DOMAIN_SPLITS),
        default='dev',
        help='which target domains')
    parser.add_argument(
        '--domains',
        nargs='+',
        default=None,
        help="only these of the split's domains, in this "
        'order')
    parser.add_argument(
        '--arms', nargs='+', default=list(ARMS), choices=list(ARMS))
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument(
        '--recipe',
        choices=list(RECIPES),
        default=CURRENT,
        help='the demo RAIN and ASM step size (see recipes.py)')
    parser.add_argument(
        '--compare-recipes',
        action='store_true',
        help="compare the recipes' cached ASM runs on the split and exit")
    parser.add_argument(
        '--stylizations',
        metavar='DIR',
        default=None,
        help='draw one row of stylizations per domain of the split from '
        'the cached ASM runs of the first --seeds into '
        'DIR/stylizations_<split>.png, print their luma table and exit')
    parser.add_argument(
        '--label-consistency',
        metavar='NUM_IMAGES',
        type=int,
        nargs='?',
        const=100,
        default=None,
        help='score the first NUM_IMAGES (default 100) source images, raw '
        'and translated by the cached LRM runs, with the cached '
        'target-supervised run of the same domain and seed; write '
        'WORK_DIR/<recipe>/label_consistency_<split>.md and exit')
    parser.add_argument(
        '--report-from',
        metavar='RECORD',
        default=None,
        help='print the report of a results_<split>.json record (such as '
        'the one docs/en/benchmarks/ keeps) and exit: no cache, no run')
    parser.add_argument(
        '--work-dir',
        default='work_dirs/generalisation',
        help='each recipe caches its runs in WORK_DIR/<recipe>/')
    parser.add_argument(
        '--pair',
        default=DEFAULT_DATA,
        help='the demo pair (rendered there if missing)')
    parser.add_argument(
        '--domains-dir',
        default=DEFAULT_DOMAINS_DIR,
        help='the target domains (rendered if missing)')
    parser.add_argument(
        '--rain-dir',
        default=None,
        help="the recipe's demo RAIN (pretrained there if missing; "
        'default WORK_DIR/<recipe>/rain)')
    parser.add_argument('--num-target-train', type=int, default=20)
    parser.add_argument('--num-target-val', type=int, default=50)
    parser.add_argument(
        '--max-steps',
        type=int,
        default=None,
        help="optimizer steps per run (default: configs')")
    parser.add_argument(
        '--lrm-iters',
        type=int,
        default=None,
        help="LRM translator iterations (default: config's)")
    parser.add_argument(
        '--dry-run', action='store_true', help='list the grid and exit')
    parser.add_argument(
        '--force', action='store_true', help='rerun cached runs')
    return parser.parse_args(argv)


def prepare(args: argparse.Namespace, domains) -> Context:
    """The pair, the domains and the RAIN, each made only if missing."""
    demo_domains(args.pair)
    folders = make_target_domains(
        args.domains_dir,
        args.pair,
        domains,
        args.num_target_train,
        args.num_target_val,
        skip_existing=True)
    recipe = RECIPES[args.recipe]
    rain = None
    if any(arm in NEEDS_RAIN for arm in args.arms):
        rain = pretrain_rain(
            args.rain_dir or osp.join(args.work_dir, 'rain'),
            args.pair,
            config=recipe.rain_config)
    return Context(args.work_dir, args.pair, folders, rain, args.max_steps,
                   args.lrm_iters, recipe.step_size)


def write_report(work_dir: str, results: dict, split: str, domains) -> str:
    text = report_markdown(results.values(), split, domains)
    with open(osp.join(work_dir, f'generalisation_{split}.md'), 'w') as f:
        f.write(text)
    with open(osp.join(work_dir, f'results_{split}.json'), 'w') as f:
        json.dump([r for r in results.values()], f, indent=1)
    return text


def report_from(record: str, split: str, domains) -> str:
    """The report of a ``results_<split>.json`` record file."""
    with open(record) as f:
        records = json.load(f)
    if not isinstance(records, list) or not all(
            isinstance(r, dict) and {'arm', 'domain', 'seed'} <= set(r)
            for r in records):
        raise ValueError(f'{record}: expected a JSON list of result records '
                         "with 'arm', 'domain' and 'seed', as "
                         'results_<split>.json holds them')
    return report_markdown(records, split, domains)


def write_recipe_comparison(work_dir: str, split: str, domains, seeds) -> str:
    """The recipes' ASM scores over ``domains`` x ``seeds`` side by side,
    from their caches, written to ``WORK_DIR/recipes_<split>.md``."""
    runs = grid(['asm'], domains, seeds)
    results = {
        name: [
            result for run in runs
            if (result := read_result(run, osp.join(work_dir, name)))
        ]
        for name in RECIPES
    }
    text = recipe_markdown(results, split, domains, CURRENT)
    with open(osp.join(work_dir, f'recipes_{split}.md'), 'w') as f:
        f.write(text)
    return text


def write_label_consistency(ctx: Context, args: argparse.Namespace,
                            domains) -> str:
    scores = label_consistency(ctx, domains, args.seeds,
                               args.label_consistency)
    text = consistency_markdown(scores, args.split, domains)
    with open(
            osp.join(args.work_dir, f'label_consistency_{args.split}.md'),
            'w') as f:
        f.write(text)
    return text


def split_domains(split: str, only: Optional[List[str]]) -> tuple:
    domains = domain_names(split)
    if only:
        outside = sorted(set(only) - set(domains))
        if outside:
            raise ValueError(f'--domains {outside} are not {split} domains '
                             f'({", ".join(domains)})')
        domains = tuple(dict.fromkeys(only))
    return domains


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    domains = split_domains(args.split, args.domains)
    if args.report_from:
        print(report_from(args.report_from, args.split, domains))
        return 0
    if args.compare_recipes:
        print(
            write_recipe_comparison(args.work_dir, args.split, domains,
                                    args.seeds))
        return 0
    args.work_dir = osp.join(args.work_dir, args.recipe)
    runs = grid(args.arms, domains, args.seeds)
    if args.dry_run:
        print('\n'.join(plan_lines(runs, args.work_dir)))
        return 0
    ctx = prepare(args, domains)
    if args.stylizations:
        path = osp.join(args.stylizations, f'stylizations_{args.split}.png')
        table = stylization_figure(ctx, domains, args.seeds[0], path)
        print(f'{path}\n\nLuma mean / std (seed {args.seeds[0]}):\n{table}')
        return 0
    if args.label_consistency is not None:
        print(write_label_consistency(ctx, args, domains))
        return 0
    os.makedirs(args.work_dir, exist_ok=True)
    results = {}
    for run in runs:
        cached = None if args.force else read_result(run, args.work_dir)
        results[run] = cached if cached is not None else execute(run, ctx)
        write_report(args.work_dir, results, args.split, domains)
    print(write_report(args.work_dir, results, args.split, domains))
    return 0


if __name__ == '__main__':
    sys.exit(main())

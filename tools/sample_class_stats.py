"""Compute the per-image class pixel counts that rare-class sampling reads.

    python tools/sample_class_stats.py CONFIG [--nproc 8] [--out FILE]
        [--cfg-options KEY=VALUE ...]

CONFIG is a training config: the source dataset of its
``train_dataloader.dataset`` (a ``UDADataset``'s ``source``, or the dataset
itself) is read label by label, as training loads labels, and the counts are
written where ``UDADataset`` looks for them: ``rare_class_sampling.stats_file``
or ``<source data_root>/sample_class_stats.json``. Run it again whenever the
source's files change (a stale cache is an error at training start).
"""
import argparse

from mmengine.config import Config, DictAction

from mmasm.datasets.class_stats import write_config_class_stats
from mmasm.utils import register_config_packages


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        'config', help='training config with the source dataset')
    parser.add_argument(
        '--nproc', type=int, default=1, help='worker processes')
    parser.add_argument(
        '--out', help='output file (default: where UDADataset reads it)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings (KEY=VALUE)')
    return parser.parse_args(argv)


def main(argv=None):
    register_config_packages()
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    out = write_config_class_stats(cfg, args.nproc, args.out)
    print(f'class statistics written to {out}')


if __name__ == '__main__':
    main()

"""Pretrain RAIN (decoder and style VAE) with the mmengine Runner.

    python tools/train_rain.py CONFIG [--work-dir DIR] [--resume [CKPT]]
        [--cfg-options KEY=VALUE ...] [--launcher none|pytorch|slurm|mpi]

Mirrors mmseg's tools/train.py. The generator is exported at the end as a
plain state dict, ``WORK_DIR/rain_final.pth`` (``RAINExportHook``).
"""
import argparse
import os

import mmasm  # noqa: F401  registers mmasm's modules before the config
from mmengine.config import DictAction
from mmengine.runner import Runner

from mmasm.utils import build_runner, tool_config


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Pretrain RAIN')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume', nargs='?', const='auto', default=None, metavar='CKPT',
        help='resume from CKPT, or without a value from the latest '
        'checkpoint in the work_dir')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config settings, key=value (e.g. '
        'train_dataloader.dataset.style.data_root=data/wikiart)')
    parser.add_argument(
        '--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none', help='job launcher')
    # torch.distributed.launch passes --local-rank with PyTorch >= 2.0.
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def main(argv=None) -> Runner:
    runner = build_runner(tool_config(parse_args(argv)))
    runner.train()
    return runner


if __name__ == '__main__':
    main()

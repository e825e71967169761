"""Train the LRM one-shot image-to-image translator with the mmengine Runner.

    python tools/train_lrm.py CONFIG [--work-dir DIR] [--resume [CKPT]]
        [--cfg-options KEY=VALUE ...]

The config holds an ``LRMTrainer`` model, an ``LRMPairDataset`` (source
images + one target image) and two optim wrappers (translator and
discriminator). At the end the translator is exported as a plain state dict,
``WORK_DIR/lrm_translator.pth`` (``LRMExportHook``), for ``LRMTranslate`` and
``tools/translate.py``.
"""
import argparse

import mmasm  # noqa: F401  registers mmasm's modules before the config
from mmengine.config import DictAction
from mmengine.runner import Runner

from mmasm.utils import build_runner, tool_config


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Train the LRM one-shot image-to-image translator')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume', nargs='?', const='auto', default=None, metavar='CKPT',
        help='resume from CKPT, or without a value from the latest '
        'checkpoint in the work_dir')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config settings, key=value (e.g. '
        'train_dataloader.dataset.target=data/vaihingen/img_dir/train/'
        'area1_0_0_512_512.png)')
    return parser.parse_args(argv)


def main(argv=None) -> Runner:
    runner = build_runner(tool_config(parse_args(argv)))
    runner.train()
    return runner


if __name__ == '__main__':
    main()

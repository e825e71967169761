"""DATUM stage 1: personalise Stable Diffusion on the one-shot image.

    python tools/datum_personalize.py CONFIG [--work-dir DIR] [--device cuda]
        [--cfg-options personalize.max_steps=400 ...]

CONFIG is a DATUM config (configs/datum/datum_*.py) naming a local
diffusers-format Stable Diffusion folder (model_dir) and the one-shot image.
Checkpoints go to WORK_DIR/checkpoint-<step> (default work dir
work_dirs/<config name>). See ``mmasm.apis.personalize``.
"""
import argparse
from typing import List, Optional

from mmengine.config import DictAction

from mmasm.apis import datum_config, personalize
from mmasm.utils import register_config_packages


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='DreamBooth (full or LoRA) of Stable Diffusion on one image (DATUM)')
    parser.add_argument('config', help='DATUM config file')
    parser.add_argument('--work-dir', help='where checkpoints and logs go')
    parser.add_argument('--device', help='e.g. cuda, cuda:1, cpu (default: CUDA if available)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config keys, e.g. personalize.max_steps=400')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> str:
    args = parse_args(argv)
    register_config_packages()
    cfg = datum_config(args.config, args.cfg_options, args.work_dir)
    if args.device:
        cfg.personalize.device = args.device
    return personalize(cfg)


if __name__ == '__main__':
    main()

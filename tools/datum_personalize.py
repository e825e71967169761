"""DATUM stage 1: personalise Stable Diffusion on the one-shot image.

    python tools/datum_personalize.py CONFIG [--work-dir DIR] [--device cuda]
        [--cfg-options personalize.max_steps=400 ...]

CONFIG is a DATUM config (configs/datum/datum_*.py) naming a local
diffusers-format Stable Diffusion folder (model_dir) and the one-shot image.
Checkpoints go to WORK_DIR/checkpoint-<step> (default work dir
work_dirs/<config name>). See ``mmasm.apis.personalize``.
"""
from typing import List, Optional

from mmasm.apis import datum_arg_parser, datum_config, personalize
from mmasm.utils import register_config_packages


def main(argv: Optional[List[str]] = None) -> str:
    args = datum_arg_parser(
        'DreamBooth (full or LoRA) of Stable Diffusion on one image '
        '(DATUM)', 'personalize').parse_args(argv)
    register_config_packages()
    cfg = datum_config(args.config, args.cfg_options, args.work_dir)
    if args.device:
        cfg.personalize.device = args.device
    return personalize(cfg)


if __name__ == '__main__':
    main()

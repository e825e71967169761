"""DATUM stage 2: generate the pseudo-target set with a personalised model.

    python tools/datum_generate.py CONFIG [--checkpoint DIR] [--out-dir DIR]
        [--num-images N] [--work-dir DIR] [--device cuda]
        [--cfg-options generate.batch_size=4 ...]

Reads WORK_DIR/checkpoint-<generate.checkpoint_step> (written by
tools/datum_personalize.py) unless --checkpoint names another, and writes
OUT_DIR/leftImg8bit/train/datum/*_leftImg8bit.png, OUT_DIR/prompts.json and
OUT_DIR/contact_sheet.png; run it again to finish an interrupted run (images
on disk are kept). See ``mmasm.apis.generate``.
"""
from typing import List, Optional

from mmasm.apis import datum_arg_parser, datum_config, generate
from mmasm.utils import register_config_packages


def main(argv: Optional[List[str]] = None) -> str:
    parser = datum_arg_parser(
        "Generate DATUM's pseudo-target images with a personalised "
        'model', 'generate')
    parser.add_argument(
        '--checkpoint', help='a checkpoint folder of datum_personalize.py')
    parser.add_argument('--out-dir', help='root of the generated dataset')
    parser.add_argument(
        '--num-images', type=int, help='default: generate.num_images (2975)')
    args = parser.parse_args(argv)
    register_config_packages()
    cfg = datum_config(args.config, args.cfg_options, args.work_dir)
    if args.device:
        cfg.generate.device = args.device
    return generate(cfg, args.checkpoint, args.out_dir, args.num_images)


if __name__ == '__main__':
    main()

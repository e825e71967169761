"""The one-command demo: one-shot adaptation with ASM on mmasm's own
sim-to-real domain pair, on the CPU, in about 6 minutes on an idle 2-core
machine (measured: README).

    python tools/quickstart.py [--work-dir work_dirs/quickstart] [--data data/demo]

1. renders the demo domain pair (game-like source, photo-like target, style
   images) into ``--data`` unless it is there already;
2. pretrains the demo's RAIN (``configs/rain/rain_demo-relu2_1_cpu.py``), or reuses it;
3. trains the small DeepLab-v2 source-only and with ASM (one unlabelled
   target image) for the same number of optimizer steps
   (``configs/demo/{source-only,asm}_demo.py``) and evaluates both on the
   target val split;
4. writes ``WORK_DIR/report.md``: the mIoU table, stylizations per search
   depth, the eps search path around the anchor and the loss saw-tooth
   (the two panels of the paper's Fig. 7).

Every step logs its progress. A second run reuses the demo pair and the
RAIN and trains the two segmentors again (about 4 minutes). The steps are
``mmasm.demo``'s (``run_quickstart``).
"""
import argparse

from mmasm.demo import DEFAULT_DATA, run_quickstart


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', default='work_dirs/quickstart')
    parser.add_argument(
        '--data', default=DEFAULT_DATA, help='demo domain pair folder')
    parser.add_argument(
        '--rain-iters',
        type=int,
        default=None,
        help='RAIN pretraining iterations (default: the config\'s)')
    parser.add_argument(
        '--max-steps',
        type=int,
        default=None,
        help='segmentor optimizer steps per arm (default: the configs\')')
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args(argv)


def main(argv=None) -> str:
    args = parse_args(argv)
    return run_quickstart(args.work_dir, args.data, args.rain_iters,
                          args.max_steps, args.seed)


if __name__ == '__main__':
    main()

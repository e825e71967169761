"""Train any mmasm config: segmentors (source-only, ASM, ASH, ...), RAIN
pretraining and LRM translators, in one process or distributed.

    python tools/train.py CONFIG [--work-dir DIR] [--resume] [--amp]
        [--cfg-options KEY=VALUE ...] [--launcher none|pytorch|slurm|mpi]
    tools/dist_train.sh CONFIG GPUS [...]

mmseg's ``tools/train.py`` flags (its own parser), with mmasm's runner
building: ``runner_type`` is honoured from any scope, ``--amp`` also works
for multi-network models (one ``AmpOptimWrapper`` per network) and on CPUs
(bfloat16 autocast in channels_last: ``mmasm.BF16OptimWrapper``), and
``mmseg::`` / ``mmasm::`` bases resolve (``register_config_packages``),
checkpoints load weights-only (``use_safe_checkpoint_loader``; opt in with
``trusted_checkpoints``), are saved atomically with a SHA-256 sidecar, and
``--resume`` takes the newest intact one. A work dir that a live run holds
is refused (``lock_work_dir``), and a non-finite loss or weight stops the
run (``NonFiniteCheckHook``).
"""
from mmasm.utils import (build_runner, distributed_session, load_mmseg_tool,
                         register_config_packages, tool_config,
                         use_safe_checkpoint_loader)
from mmasm.utils.checkpoint import lock_work_dir


def train():
    """Train what this process's command line (``sys.argv``) names, in the
    process group the caller manages (joined by the runner if none)."""
    args = load_mmseg_tool('train').parse_args()
    cfg = tool_config(args)
    use_safe_checkpoint_loader(
        cfg)  # no arbitrary pickles; cfg.trusted_checkpoints
    lock_work_dir(cfg.work_dir)  # one run per work dir
    build_runner(cfg).train()


def main():
    register_config_packages()
    with distributed_session():
        train()


if __name__ == '__main__':
    main()

"""Test a segmentor: mmseg's ``tools/test.py`` with mmasm's config lookup.

All of mmseg's flags work (``--work-dir``, ``--out``, ``--show``,
``--show-dir``, ``--wait-time``, ``--tta``, ``--cfg-options``,
``--launcher``, ``--local_rank``/``--local-rank``). Unlike mmseg's test.py it
honours ``runner_type`` like train.py does, so ``CPUDistRunner`` also tests
distributed on CPU, ``mmseg::`` / ``mmasm::`` bases resolve, and the
checkpoint loads weights-only (opt in with the config key
``trusted_checkpoints``) and must match its SHA-256 sidecar if it has one.

A checkpoint that leaves weights of the model missing, has weights the
model lacks, or has other shapes is refused (``FullLoadCheckHook``):
evaluating a randomly initialised segmentor reports a meaningless score.
``--allow-partial-load`` evaluates anyway.
"""
import sys

from mmasm.engine.hooks.full_load_check_hook import (ALLOW_FLAG,
                                                     FullLoadCheckHook)
from mmasm.utils import (build_runner, distributed_session, load_mmseg_tool,
                         register_config_packages, use_safe_checkpoint_loader)
from mmasm.utils.mmseg_tools import use_cpu_runner_without_accelerator


class RunnerFromConfig:
    """Stands in for ``Runner`` in mmseg's test.py: builds the config's
    ``runner_type`` when it names one, checking that the checkpoint fills
    the model unless ``allow_partial_load``."""
    allow_partial_load = False

    @classmethod
    def from_cfg(cls, cfg):
        use_safe_checkpoint_loader(
            cfg)  # no arbitrary pickles; cfg.trusted_checkpoints
        use_cpu_runner_without_accelerator(cfg)  # torchrun on CPU: gloo
        runner = build_runner(cfg)
        if not cls.allow_partial_load:
            runner.register_hook(FullLoadCheckHook())
        return runner


def test():
    """Test what this process's command line (``sys.argv``) names, in the
    process group the caller manages (joined by the runner if none)."""
    if ALLOW_FLAG in sys.argv:  # mmasm's flag; mmseg's parser does not know it
        sys.argv.remove(ALLOW_FLAG)
        RunnerFromConfig.allow_partial_load = True
    mmseg_test = load_mmseg_tool('test')
    mmseg_test.Runner = RunnerFromConfig
    mmseg_test.main()


def main():
    register_config_packages()
    with distributed_session():
        test()


if __name__ == '__main__':
    main()

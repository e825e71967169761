"""Test a segmentor: mmseg's ``tools/test.py`` with mmasm's config lookup.

All of mmseg's flags work (``--work-dir``, ``--out``, ``--show``,
``--show-dir``, ``--wait-time``, ``--tta``, ``--cfg-options``,
``--launcher``, ``--local_rank``/``--local-rank``). Unlike mmseg's test.py it
honours ``runner_type`` like train.py does, so ``CPUDistRunner`` also tests
distributed on CPU, ``mmseg::`` / ``mmasm::`` bases resolve, and the
checkpoint loads weights-only (opt in with the config key
``trusted_checkpoints``).
"""
from mmasm.utils import (build_runner, distributed_session, load_mmseg_tool,
                         register_config_packages, use_safe_checkpoint_loader)


class RunnerFromConfig:
    """Stands in for ``Runner`` in mmseg's test.py: builds the config's
    ``runner_type`` when it names one."""

    @staticmethod
    def from_cfg(cfg):
        use_safe_checkpoint_loader(
            cfg)  # no arbitrary pickles; cfg.trusted_checkpoints
        return build_runner(cfg)


def main():
    register_config_packages()
    mmseg_test = load_mmseg_tool('test')
    mmseg_test.Runner = RunnerFromConfig
    with distributed_session():
        mmseg_test.main()


if __name__ == '__main__':
    main()

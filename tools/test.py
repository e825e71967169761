"""Test a segmentor: mmseg's ``tools/test.py`` with mmasm's config lookup.

All of mmseg's flags work (``--work-dir``, ``--out``, ``--show``,
``--show-dir``, ``--wait-time``, ``--tta``, ``--cfg-options``,
``--launcher``, ``--local_rank``/``--local-rank``). Unlike mmseg's test.py it
honours ``runner_type`` like train.py does, so ``CPUDistRunner`` also tests
distributed on CPU, and ``mmseg::`` / ``mmasm::`` bases resolve.
"""
from mmasm.utils import build_runner, load_mmseg_tool, register_config_packages


class RunnerFromConfig:
    """Stands in for ``Runner`` in mmseg's test.py: builds the config's
    ``runner_type`` when it names one."""
    from_cfg = staticmethod(build_runner)


def main():
    register_config_packages()
    mmseg_test = load_mmseg_tool('test')
    mmseg_test.Runner = RunnerFromConfig
    mmseg_test.main()


if __name__ == '__main__':
    main()

"""Several ``tools/train.py`` runs one after another in the same processes
(one torchrun launch, one process group), for tests that need many short
distributed runs; each process imports torch, mmseg and mmasm once::

    python -m torch.distributed.run --nproc_per_node=2 train_in_sequence.py \\
        CFG_A --work-dir A --launcher pytorch ::: CFG_B --work-dir B ...

Each run is ``tools/train.py``'s (same parser, config, checkpoint loader,
work dir lock and runner), or ``tools/test.py``'s for a run whose first
argument is ``test`` (``::: test CFG CHECKPOINT ...``); the ranks leave the
process group after the last run, as the tools do after their only one.
"""
import gc
import os.path as osp
import sys
import time

import mmasm  # noqa: F401 (imported before gc.freeze)
from mmasm.utils import distributed_session, register_config_packages
from tools.test import test
from tools.train import train

SEPARATOR = ':::'


def split_runs(args):
    """``A ::: B ::: C`` -> ``[A, B, C]`` (each a list of arguments)."""
    runs = [[]]
    for arg in args:
        if arg == SEPARATOR:
            runs.append([])
        else:
            runs[-1].append(arg)
    return [run for run in runs if run]


def wait_for_a_new_name(run, ended):
    """mmengine names a run's logger, visualizer and message hub after its
    config file's stem and start second (rank 0's): a run must not start in
    the second in which a run of a config with the same stem ended."""
    stem = osp.splitext(osp.basename(run[0]))[0]
    if ended.get(stem) == int(time.time()):
        time.sleep(1.0 - time.time() % 1.0 + 0.01)
    return stem


def main():
    register_config_packages()
    # the imports' objects (torch, mmseg, mmasm) live until exit: keep them
    # out of the gc.collect() that each mmengine dataset makes when built
    gc.freeze()
    program, ended = sys.argv[0], {}
    with distributed_session():
        for run in split_runs(sys.argv[1:]):
            tool = test if run[0] == 'test' else train
            args = run[1:] if tool is test else run
            stem = wait_for_a_new_name(args, ended)
            sys.argv = [program, *args]
            tool()
            ended[stem] = int(time.time())


if __name__ == '__main__':
    main()

"""Train a segmentor: mmseg's ``tools/train.py`` with mmasm imported first.

Importing mmasm before the config is parsed registers mmasm's modules and
makes ``_base_ = ['mmseg::...', 'mmasm::...']`` resolvable. All of mmseg's
flags work: ``--work-dir``, ``--resume``, ``--amp``, ``--cfg-options``,
``--launcher``, ``--local_rank``/``--local-rank``; ``runner_type`` in the
config selects a registered runner (e.g. ``CPUDistRunner``).
"""
import sys

import mmasm  # noqa: F401
from mmasm.utils import amp_device_available, load_mmseg_tool


def main():
    mmseg_train = load_mmseg_tool('train')
    parse_mmseg_args = mmseg_train.parse_args

    def parse_args():
        args = parse_mmseg_args()
        if args.amp and not amp_device_available():
            sys.exit('train.py: error: --amp needs a CUDA (or NPU/MLU/MUSA) '
                     'device and none is available; CPU training runs in '
                     'fp32, drop --amp.')
        return args

    mmseg_train.parse_args = parse_args
    mmseg_train.main()


if __name__ == '__main__':
    main()

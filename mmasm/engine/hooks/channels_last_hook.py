"""Train in channels_last (NHWC) memory format."""
import torch
from mmengine.hooks import Hook

from mmasm.registry import HOOKS
from mmasm.utils import unwrap_model


@HOOKS.register_module()
class ChannelsLastHook(Hook):
    """Store the model's 4-D weights (and buffers) in channels_last memory
    format once it is initialised or loaded, before the first iteration, so
    that every convolution runs in NHWC: its
    output follows the weight's format, whatever the input's. The math is
    unchanged (float rounding aside); oneDNN's CPU convolutions, bfloat16
    ones above all, and tensor-core GPU kernels are faster in NHWC.
    ``tools/train.py --amp`` adds it on CPUs (see ``BF16OptimWrapper``).

    The parameters keep their identity (``Module.to`` swaps their storage),
    so optimizers and DDP built before the hook runs still hold them. Not at
    ``before_run``: initialisers that fill a tensor in storage order would
    then draw other weights than in NCHW.
    """

    priority = 'VERY_HIGH'

    def before_train(self, runner) -> None:
        unwrap_model(runner.model).to(memory_format=torch.channels_last)

"""Mixed precision in bfloat16 on any device, CPUs included."""
from contextlib import contextmanager

import torch
from mmengine.optim import OptimWrapper
from torch import nn

from mmasm.registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class BF16OptimWrapper(OptimWrapper):
    """An ``OptimWrapper`` whose forward passes run under
    ``torch.autocast(dtype=torch.bfloat16)`` on the device of the model's
    parameters; weights, gradients and optimizer state stay float32.

    mmengine's ``AmpOptimWrapper`` needs a GPU (or NPU/MLU/MUSA) because of
    its fp16 loss scaler; bfloat16 keeps float32's exponent range, so it needs
    no loss scaling and runs on CPUs too, where the matrix units of recent
    x86 CPUs (AVX-512 BF16, AMX) make convolutions several times faster (on
    CPUs without them it is slower than float32). ``tools/train.py --amp``
    uses it when no GPU is available. Not bit-equal to float32 training:
    activations are rounded to 8 mantissa bits.
    """

    @contextmanager
    def optim_context(self, model: nn.Module):
        device_type = next(model.parameters()).device.type
        with super().optim_context(model), torch.autocast(
                device_type, dtype=torch.bfloat16):
            yield

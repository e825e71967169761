"""A test hook that makes the loss NaN from iteration ``at`` on (the data
preprocessor's ``std`` set to 0, as a config with ``std=[0, 0, 0]`` would;
imported in tool subprocesses via ``custom_imports``)."""
from mmengine.hooks import Hook

from mmasm.registry import HOOKS
from mmasm.utils import unwrap_model


@HOOKS.register_module()
class ZeroStdHook(Hook):

    def __init__(self, at):
        self.at = at

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if runner.iter + 1 == self.at:
            unwrap_model(runner.model).data_preprocessor.std.zero_()

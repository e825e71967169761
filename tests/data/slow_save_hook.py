"""A test hook that makes one checkpoint save hang, so that a test can kill
the run by PID while it saves (imported in tool subprocesses via
``custom_imports``; tests/data is on their PYTHONPATH)."""
import os.path as osp
import time

from mmengine.hooks import Hook

from mmasm.registry import HOOKS


class HangsWhenPickled:
    """Pickling it (inside ``torch.save``) writes ``flag`` and hangs."""

    def __init__(self, flag):
        self.flag = flag

    def __reduce__(self):
        with open(self.flag, 'w') as file:
            file.write('saving\n')
        time.sleep(600)
        raise RuntimeError('the test should have killed this run')


@HOOKS.register_module()
class SlowSaveHook(Hook):
    """Hang the save of the checkpoint of iteration ``at`` unless ``flag``
    exists (so a resumed run saves normally)."""

    def __init__(self, at, flag):
        self.at, self.flag = at, flag

    def before_save_checkpoint(self, runner, checkpoint):
        if checkpoint['meta']['iter'] == self.at and not osp.exists(self.flag):
            checkpoint['hang'] = HangsWhenPickled(self.flag)

"""Exporting the trained LRM translator as a plain state dict."""
import os.path as osp

from mmengine.dist import is_main_process
from mmengine.hooks import Hook

from mmasm.models.lrm import save_lrm_translator
from mmasm.registry import HOOKS
from mmasm.utils import unwrap_model


@HOOKS.register_module()
class LRMExportHook(Hook):
    """After training, saves ``runner.model.translator.state_dict()`` to
    ``work_dir/filename``: plain CPU tensors, loadable with
    ``torch.load(..., weights_only=True)`` and by ``load_lrm_translator``
    (which ``LRMTranslate`` and ``mmasm.apis.translate_folder`` use). Under
    ``MMSeparateDistributedDataParallel`` the translator's own DDP wrapper is
    dropped too.
    """

    priority = 'LOWEST'

    def __init__(self, filename: str = 'lrm_translator.pth'):
        self.filename = filename

    def after_train(self, runner) -> None:
        if not is_main_process():
            return
        model = unwrap_model(runner.model)
        if not hasattr(model, 'translator'):
            raise TypeError(f'LRMExportHook: {type(model).__name__} has no '
                            f'`translator`; use it with LRMTrainer')
        path = osp.join(runner.work_dir, self.filename)
        save_lrm_translator(unwrap_model(model.translator), path)
        runner.logger.info(f'LRM translator weights exported to {path}')

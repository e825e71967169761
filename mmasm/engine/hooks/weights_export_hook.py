"""Exporting a trained network's weights as a plain state dict."""
import os.path as osp

from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmasm.registry import HOOKS
from mmasm.utils.checkpoint import save_atomically


@HOOKS.register_module()
class WeightsExportHook(Hook):
    """After training, saves the model's export state to
    ``work_dir/filename``: plain CPU tensors, loadable with
    ``torch.load(..., weights_only=True)`` and by the network's loader.

    The model says what it exports (``model.export_state_dict()``; each
    format is defined beside its model):

    - ``RAINPretrainer``: the RAIN generator, read by
      ``load_rain_checkpoint`` and ``RAIN.load_state_dict``;
    - ``LRMTrainer``: the LRM translator, read by ``load_lrm_translator``
      (which ``LRMTranslate`` and ``mmasm.apis.translate_folder`` use).

    The file is written atomically with a SHA-256 sidecar
    (``filename.sha256``), like mmasm's checkpoints: a crash leaves no
    partial file under ``filename``, and mmasm's loaders refuse a file
    whose bytes changed. Model wrappers (DDP,
    ``MMSeparateDistributedDataParallel``) are looked through; only the
    main process writes.

    Args:
        filename: the file's name in the work dir, e.g. ``'rain_final.pth'``.
    """

    priority = 'LOWEST'

    def __init__(self, filename: str):
        self.filename = filename

    @staticmethod
    def _exporting_model(runner):
        """``runner``'s model (unwrapped); a clear error if it exports
        nothing."""
        model = runner.model
        if is_model_wrapper(model):
            model = model.module
        if not callable(getattr(model, 'export_state_dict', None)):
            raise TypeError(
                f'WeightsExportHook: {type(model).__name__} has no '
                f'export_state_dict(); use it with a model that exports '
                f'weights (RAINPretrainer, LRMTrainer)')
        return model

    def before_train(self, runner) -> None:
        self._exporting_model(runner)  # refused before training, not after

    def after_train(self, runner) -> None:
        if not is_main_process():
            return
        model = self._exporting_model(runner)
        path = osp.join(runner.work_dir, self.filename)
        save_atomically(model.export_state_dict(), path)
        runner.logger.info(f'{type(model).__name__} weights exported to '
                           f'{path}')

"""Exporting the pretrained RAIN generator as a plain state dict."""
import os.path as osp

import torch
from mmengine.dist import is_main_process
from mmengine.hooks import Hook

from mmasm.registry import HOOKS
from .rain_visualization_hook import unwrap_rain_model


@HOOKS.register_module()
class RAINExportHook(Hook):
    """After training, saves ``runner.model.rain.state_dict()`` to
    ``work_dir/filename``: plain CPU tensors only, loadable with
    ``torch.load(..., weights_only=True)``, by ``load_rain_checkpoint`` and
    by ``RAIN.load_state_dict``.
    """

    priority = 'LOWEST'

    def __init__(self, filename: str = 'rain_final.pth'):
        self.filename = filename

    def after_train(self, runner) -> None:
        if not is_main_process():
            return
        rain = unwrap_rain_model(runner).rain
        state = {
            key: value.detach().cpu().clone()
            for key, value in rain.state_dict().items()
        }
        path = osp.join(runner.work_dir, self.filename)
        torch.save(state, path)
        runner.logger.info(f'RAIN generator weights exported to {path}')

"""Stylization grids during RAIN pretraining, through mmengine's visualizer."""
from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from mmengine.dist import is_main_process
from mmengine.hooks import Hook

from mmasm.registry import HOOKS
from mmasm.utils import rgb_grid, unwrap_model


def unwrap_rain_model(runner) -> torch.nn.Module:
    """The runner's model without DDP wrappers; it must hold ``.rain``."""
    model = unwrap_model(runner.model)
    if not hasattr(model, 'rain'):
        raise TypeError(f'{type(model).__name__} has no `rain` attribute; '
                        f'RAIN hooks need a model like RAINPretrainer')
    return model


@HOOKS.register_module()
class RAINVisualizationHook(Hook):
    """Every ``interval`` training iterations, adds one image to
    ``runner.visualizer`` (so ``LocalVisBackend`` writes
    ``vis_data/vis_image/{name}_{iter}.png`` and TensorBoard / W&B backends
    receive it).

    One column per image of the current batch (at most ``num_images``); rows:
    the content images, the style images, the content in each style's
    latent mean ``psi`` (what RAIN reconstructs of that style), then
    ``num_random`` rows with random styles ``eps ~ N(0, I)``, drawn with a
    fixed ``seed`` so the rows are comparable across iterations.
    """

    priority = 'LOW'

    def __init__(self,
                 interval: int = 1000,
                 num_images: int = 4,
                 num_random: int = 2,
                 seed: int = 0,
                 name: str = 'rain_stylization'):
        if interval < 1 or num_images < 1 or num_random < 0:
            raise ValueError('RAINVisualizationHook needs interval >= 1, '
                             'num_images >= 1 and num_random >= 0')
        self.interval = interval
        self.num_images = num_images
        self.num_random = num_random
        self.seed = seed
        self.name = name

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch: Optional[dict] = None,
                         outputs: Optional[dict] = None) -> None:
        if data_batch is None or not self.every_n_train_iters(
                runner, self.interval) or not is_main_process():
            return
        grid = self.stylization_grid(unwrap_rain_model(runner), data_batch)
        runner.visualizer.add_image(self.name, grid, step=runner.iter + 1)

    @torch.no_grad()
    def stylization_grid(self, model: torch.nn.Module, data_batch: dict):
        """The grid as an ``(H, W, 3)`` uint8 RGB array."""
        inputs = {
            key: images[:self.num_images]
            for key, images in data_batch['inputs'].items()
        }
        batch = model.data_preprocessor(dict(inputs=inputs), False)['inputs']
        content, style = batch['content'], batch['style']
        rain = model.rain
        generator = torch.Generator(device=content.device)
        generator.manual_seed(self.seed)
        psi, _ = rain.anchor(style)
        rows = [
            content,
            resize_like(style, content),
            rain.stylize(content, psi)
        ]
        rows += [
            rain.stylize(content,
                         rain.sample_eps(len(content), generator=generator))
            for _ in range(self.num_random)
        ]
        return rgb_grid(rows, pad_value=1.0)


def resize_like(images: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """``images`` resized (bilinear) to the spatial size of ``like``."""
    size: Sequence[int] = like.shape[-2:]
    if images.shape[-2:] == size:
        return images
    return F.interpolate(
        images, size=size, mode='bilinear', align_corners=False)

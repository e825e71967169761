"""RAIN pretraining as an mmengine model, trained by the mmengine Runner."""
from typing import Dict, List, Optional, Sequence, Union

import numpy as np
import torch
from mmengine.logging import MessageHub
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement

from mmasm.registry import MODELS
from mmasm.utils import build_module, unwrap_model
from .checkpoint import load_rain_checkpoint, rain_export_state
from .rain_loss import pixel_loss


def noise_generator(data_samples: Optional[Sequence[BaseDataElement]],
                    device: torch.device) -> Optional[torch.Generator]:
    """A generator seeded by the batch's ``draw_seed`` metainfo (set by
    ``ContentStyleDataset`` under ``SeededInfiniteSampler``), or None (use
    torch's global generator) when any sample has none."""
    seeds = [s.metainfo.get('draw_seed') for s in data_samples or ()]
    if not seeds or None in seeds:
        return None
    generator = torch.Generator(device=device)
    seed = np.random.SeedSequence(seeds).generate_state(1)[0]
    generator.manual_seed(int(seed))
    return generator


@MODELS.register_module()
class RAINPretrainer(BaseModel):
    """Trains RAIN's decoder ``D`` and style VAE with Eq. 3 of the ASM paper
    on (content, style) pairs; the VGG encoder ``E`` stays frozen.

    Args:
        rain: config of the generator, e.g. ``dict(type='RAIN',
            vae_depth=3)``; kept as ``self.rain``, so Runner checkpoints hold
            it under ``rain.`` keys.
        loss: config of the objective, ``dict(type='RAINLoss', ...)``.
        data_preprocessor: defaults to ``RAINDataPreprocessor`` (RGB, [0, 1]).
        rain_checkpoint: optional RAIN weights to start from, e.g. an
            encoder-only file converted from the VGG-19 of AdaIN (missing
            keys are logged, see ``load_rain_checkpoint``).
        decoder_warmup_iters: train only the decoder, on ``pixel_loss``
            (``D(E(x)) = x``), for this many iterations before Eq. 3 starts.
            Not in the paper: a random encoder (the demo, no VGG weights)
            needs it, or the decoder settles on blobs. 0 by default.
        init_cfg: mmengine init config.

    Modes of :meth:`forward` (inputs ``dict(content=NCHW, style=NCHW)``):
    ``'loss'`` returns the four weighted terms (``loss_content``,
    ``loss_style``, ``loss_kl``, ``loss_rec``), summed by the optim wrapper
    into one joint backward; ``'tensor'`` returns the stylizations
    ``D(AdaIN(E(content), D_vae(psi)))`` with ``psi`` the latent mean of each
    style image; ``'predict'`` returns them as ``BaseDataElement(stylized=)``.
    """

    def __init__(self,
                 rain: Union[dict, torch.nn.Module] = dict(type='RAIN'),
                 loss: Union[dict, torch.nn.Module] = dict(type='RAINLoss'),
                 data_preprocessor: Union[dict, torch.nn.Module] = dict(
                     type='RAINDataPreprocessor'),
                 rain_checkpoint: Optional[str] = None,
                 decoder_warmup_iters: int = 0,
                 init_cfg: Optional[dict] = None):
        super().__init__(
            data_preprocessor=build_module(data_preprocessor),
            init_cfg=init_cfg)
        self.rain = build_module(rain)
        self.loss = build_module(loss)
        self.decoder_warmup_iters = decoder_warmup_iters
        if not self.rain.encoder.frozen:
            raise ValueError('RAINPretrainer trains decoder and style VAE '
                             'only; build RAIN with frozen_encoder=True')
        if rain_checkpoint:
            load_rain_checkpoint(self.rain, rain_checkpoint, strict=False)

    def in_decoder_warmup(self) -> bool:
        if not self.decoder_warmup_iters:
            return False
        iteration = MessageHub.get_current_instance().get_info('iter', 0)
        return iteration < self.decoder_warmup_iters

    def export_state_dict(self) -> Dict[str, torch.Tensor]:
        """The trained generator's weights as ``WeightsExportHook`` writes
        them (see :func:`rain_export_state`)."""
        return rain_export_state(unwrap_model(self.rain))

    def forward(self,
                inputs: Dict[str, torch.Tensor],
                data_samples: Optional[List[BaseDataElement]] = None,
                mode: str = 'tensor'):
        content, style = inputs['content'], inputs['style']
        if mode == 'loss':
            if self.in_decoder_warmup():
                return dict(loss_pixel=pixel_loss(self.rain, content))
            generator = noise_generator(data_samples, content.device)
            return self.loss(self.rain, content, style, generator)
        if mode not in ('tensor', 'predict'):
            raise ValueError(f'RAINPretrainer: unknown mode "{mode}", '
                             f'expected "loss", "tensor" or "predict"')
        psi, _ = self.rain.anchor(style)
        stylized = self.rain.stylize(content, psi)
        if mode == 'tensor':
            return stylized
        samples = data_samples or [BaseDataElement() for _ in stylized]
        return [
            BaseDataElement(metainfo=sample.metainfo, stylized=image)
            for sample, image in zip(samples, stylized)
        ]

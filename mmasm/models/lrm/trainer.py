"""Training the LRM translator and its discriminator with the Runner."""
from typing import Dict, List, Optional, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapperDict
from mmengine.structures import BaseDataElement

from mmasm.registry import MODELS
from mmasm.utils import build_module, frozen, unwrap_model
from .checkpoint import translator_export_state
from .losses import lsgan_loss
from .translator import PIXEL_MAX


@MODELS.register_module()
class LRMTrainer(BaseModel):
    """Trains :class:`LRMTranslator` on source images and one target image
    (batch 1 in the recipe), against :class:`LRMPatchDiscriminator`.

    Per iteration (``train_step``, the authors' order):

    1. translator update on ``rec_weight * (L1(D(E(s)), s) + L1(D(E(t)), t))
       + adv_weight * LSGAN(Dis(mixed), real) + content + style`` with
       ``mixed = D(cat(E(s)[:, :32], E(t)[:, 32:]))``;
    2. discriminator update on ``adv_weight * (LSGAN(Dis(t), real) +
       LSGAN(Dis(mixed.detach()), fake))``, the one-shot target being the
       real image;
    3. the BIN gates are projected into [0, 1].

    It owns its ``train_step``, so distributed training wraps it in
    ``MMSeparateDistributedDataParallel`` (``model_wrapper_cfg`` of
    ``configs/_base_/models/lrm.py``): one DDP per network, each updated by
    its own optim wrapper; mmengine's plain DDP wrapper would bypass this
    ``train_step``.

    Inputs come as ``dict(content=source, style=target)`` (packed by
    ``PackContentStyleInputs``, batched by ``RAINDataPreprocessor`` into RGB
    [0, 1]) and are scaled by ``pixel_scale`` into the translator's [0, 255].

    Args:
        translator, discriminator, perceptual_loss: configs (or modules) of
            ``LRMTranslator``, ``LRMPatchDiscriminator``,
            ``LRMPerceptualLoss``; the optim wrappers are named after the
            first two attributes. ``perceptual_loss=None`` drops the VGG
            content and Gram style terms (an ablation, not the paper).
        rec_weight: weight of each L1 reconstruction term (30).
        adv_weight: weight of the LSGAN terms of both players (1000).
        pixel_scale: factor from the preprocessor's range to the
            translator's.
        data_preprocessor: defaults to ``RAINDataPreprocessor``.
    """

    def __init__(self,
                 translator: Union[dict,
                                   nn.Module] = dict(type='LRMTranslator'),
                 discriminator: Union[dict, nn.Module] = dict(
                     type='LRMPatchDiscriminator'),
                 perceptual_loss: Optional[Union[dict, nn.Module]] = dict(
                     type='LRMPerceptualLoss'),
                 rec_weight: float = 30.0,
                 adv_weight: float = 1000.0,
                 pixel_scale: float = PIXEL_MAX,
                 data_preprocessor: Union[dict, nn.Module] = dict(
                     type='RAINDataPreprocessor'),
                 init_cfg: Optional[dict] = None):
        super().__init__(
            data_preprocessor=build_module(data_preprocessor),
            init_cfg=init_cfg)
        self.translator = build_module(translator)
        self.discriminator = build_module(discriminator)
        self.perceptual_loss = (
            build_module(perceptual_loss)
            if perceptual_loss is not None else None)
        self.rec_weight = rec_weight
        self.adv_weight = adv_weight
        self.pixel_scale = pixel_scale

    def images(self, inputs: Dict[str, torch.Tensor]):
        """(source, target) in the translator's range."""
        source, target = inputs['content'], inputs['style']
        if source.shape[-2:] != target.shape[-2:]:
            raise ValueError(
                f'LRMTrainer: source {tuple(source.shape[-2:])} and target '
                f'{tuple(target.shape[-2:])} images must have one size (their '
                f'latents are mixed channel-wise); crop or resize both to '
                f'the same size in the pipelines')
        return source * self.pixel_scale, target * self.pixel_scale

    def generator_losses(self, source, target, mixed, rec_source,
                         rec_target) -> Dict[str, torch.Tensor]:
        with frozen(self.discriminator):
            adversarial = lsgan_loss(self.discriminator(mixed), real=True)
        losses = dict(
            loss_rec_source=self.rec_weight * F.l1_loss(rec_source, source),
            loss_rec_target=self.rec_weight * F.l1_loss(rec_target, target),
            loss_adv=self.adv_weight * adversarial)
        if self.perceptual_loss is not None:
            losses.update(self.perceptual_loss(mixed, source, target))
        return losses

    def discriminator_losses(self, target, mixed) -> Dict[str, torch.Tensor]:
        real = lsgan_loss(self.discriminator(target), real=True)
        fake = lsgan_loss(self.discriminator(mixed.detach()), real=False)
        return dict(
            loss_disc_real=self.adv_weight * real,
            loss_disc_fake=self.adv_weight * fake)

    def train_step(self, data: Union[dict, tuple, list],
                   optim_wrapper: OptimWrapperDict) -> Dict[str, torch.Tensor]:
        data = self.data_preprocessor(data, True)
        source, target = self.images(data['inputs'])
        translator_wrapper = optim_wrapper['translator']
        with translator_wrapper.optim_context(self.translator):
            mixed, rec_source, rec_target = self.translator(source, target)
            losses = self.generator_losses(source, target, mixed, rec_source,
                                           rec_target)
        loss, log_vars = self.parse_losses(losses)
        translator_wrapper.update_params(loss)
        unwrap_model(self.translator).clamp_gates_()

        disc_wrapper = optim_wrapper['discriminator']
        with disc_wrapper.optim_context(self.discriminator):
            disc_losses = self.discriminator_losses(target, mixed)
        disc_loss, disc_log_vars = self.parse_losses(disc_losses)
        disc_wrapper.update_params(disc_loss)
        log_vars['loss_disc'] = disc_log_vars.pop('loss')
        log_vars.update(disc_log_vars)
        return log_vars

    def export_state_dict(self) -> Dict[str, torch.Tensor]:
        """The trained translator's weights as ``WeightsExportHook`` writes
        them (see :func:`translator_export_state`)."""
        return translator_export_state(unwrap_model(self.translator))

    def forward(self,
                inputs: Dict[str, torch.Tensor],
                data_samples: Optional[List[BaseDataElement]] = None,
                mode: str = 'tensor'):
        """``'loss'``: the translator's loss terms; ``'tensor'``: the
        translations (RGB in [0, 1], like the inputs); ``'predict'``: them
        as ``BaseDataElement(translated=)``."""
        source, target = self.images(inputs)
        if mode == 'loss':
            outputs = self.translator(source, target)
            return self.generator_losses(source, target, *outputs)
        if mode not in ('tensor', 'predict'):
            raise ValueError(f'LRMTrainer: unknown mode "{mode}", expected '
                             f'"loss", "tensor" or "predict"')
        translated = unwrap_model(self.translator).translate(source, target)
        translated = translated / self.pixel_scale
        if mode == 'tensor':
            return translated
        samples = data_samples or [BaseDataElement() for _ in translated]
        return [
            BaseDataElement(metainfo=sample.metainfo, translated=image)
            for sample, image in zip(samples, translated)
        ]

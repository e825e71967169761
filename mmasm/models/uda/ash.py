"""ASH: Adversarial Semantic Hallucination as a multi-network segmentor."""
from typing import Dict, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.dist import get_rank
from mmengine.logging import MessageHub
from mmengine.optim import OptimWrapper, OptimWrapperDict
from mmengine.visualization import Visualizer

from mmasm.registry import MODELS
from mmasm.utils import (bgr255_to_rgb01, build_module, frozen,
                         rgb01_to_bgr255, rgb_grid, unwrap_model)
from ..hallucination import Hallucination, StyleImageStream
from ..utils.segmentor_calls import (batch_norm_statistics_kept, preprocess,
                                     segmentation_logits, segmentor_classes)
from .uda_segmentor import UDASegmentor

#: Discriminator labels: source 0, stylized 1 (as in ASH's code).
SOURCE_LABEL = 0.0
STYLIZED_LABEL = 1.0
#: The trained networks, each with its own entry in ``optim_wrapper``.
NETWORKS = ('segmentor', 'hallucinator', 'discriminator')
#: What the conditioning net plays against: D's adversarial loss (the
#: paper's ASH) or G's segmentation loss ("ASH (segmentation loss)").
ADVERSARIES = ('discriminator', 'segmentation')


def domain_bce(discriminator: nn.Module, probs: torch.Tensor,
               label: float) -> torch.Tensor:
    """BCE of the discriminator's logits on ``probs`` against ``label``."""
    logits = discriminator(probs)
    return F.binary_cross_entropy_with_logits(logits,
                                              torch.full_like(logits, label))


@MODELS.register_module()
class ASH(UDASegmentor):
    """Adversarial Semantic Hallucination (Tjio et al., "Adversarial Semantic
    Hallucination for Domain Generalized Semantic Segmentation", 2021):
    zero-shot, no target image at all.

    Networks: ``segmentor`` G (the adapted mmseg segmentor),
    ``hallucinator`` (:class:`ASHStyleHallucinator`: frozen RAIN encoder /
    decoder, trained conditioning net) and ``discriminator`` D
    (:class:`OutputSpaceDiscriminator` on softmax outputs). Each
    :meth:`train_step` renders the source batch ``x_src`` in hallucinated
    versions of random images from ``style``,
    ``x_sty = Dec(0.5 f_src + 0.5 AdaIN(f_src, Z f_sty (gamma + delta) + beta))``
    with ``(gamma, beta)`` predicted from G's smoothed class map of
    ``x_src``, and makes the paper's three updates:

    1. **ASH**: the conditioning net takes one step *up* the adversarial
       loss ``L_adv = BCE(D(softmax(G(x_sty))), source)`` (plus small
       content / style terms), through a frozen G and a frozen D;
    2. **segmentor**: ``L_seg(x_src) + adv_weight * L_adv`` on the stylized
       batch rendered in update 1 (fool D into calling it source);
    3. **discriminator**: ``(BCE(D(p_src), 0) + BCE(D(p_sty), 1)) / 2`` on the
       class probabilities G gave before its step.

    ``optim_wrapper`` holds one wrapper per network (``segmentor``,
    ``hallucinator`` (its conditioning net), ``discriminator``), so
    ``--amp``, ``clip_grad``, accumulation and parameter schedulers reach
    each. G's forwards of the class map and of update 1 leave its
    batch-norm running statistics untouched and do not go through its DDP
    wrapper. Style images and the noise ``Z`` come from a stream re-seeded
    from ``(seed, rank, iteration)``: every rank draws its own, and a
    resumed run draws what the uninterrupted run drew. Logged: G's losses
    (``loss_ash_adv`` included), ``ash_adv``, ``ash_content``,
    ``ash_style``, ``ash_loss`` (update 1, before the step), ``disc_loss``.

    Args:
        rain_checkpoint: RAIN weights (only its VGG encoder and AdaIN decoder
            are used), loaded at construction and kept out of the state dict.
        style: a folder (searched recursively), an image or a list of them;
            each source image gets one drawn at random every iteration,
            resized to the source size.
        rain: config of the RAIN model the checkpoint holds.
        hallucinator: extra arguments of :class:`ASHStyleHallucinator`
            (``label_smoothing``, ``conditioning``, ``alpha``, ``delta``,
            ``noise``, ``render_scale``, ...).
        discriminator: extra arguments of :class:`OutputSpaceDiscriminator`.
            Both take G's class count; a ``num_classes`` that differs is an
            error.
        adv_weight: weight of G's adversarial loss (1e-3).
        ash_adv_weight, content_weight, style_weight: the conditioning net
            minimises ``-ash_adv_weight * L_adv + content_weight * L_c +
            style_weight * L_s``. The authors weight its ``L_adv`` as G's
            (1e-3) and give their own content / style terms (on AdaIN
            features, not on the decoded image as ``L_c`` / ``L_s`` here)
            1e-8: numerically inert, hence 0 by default.
        damping_iters: the authors multiply both adversarial weights by
            ``damping = 1 - i / damping_iters`` at iteration ``i`` (their
            100k iterations); None (default): no damping.
        vis_interval: add a source / style / stylized grid
            (``ash_hallucination``) to the current visualizer every this
            many iterations (0: never).
        train_hallucinator: False freezes the conditioning net at its
            initialisation (an ablation, not the paper): update 1 renders
            without gradient and makes no step; updates 2 and 3 as usual.
        adversary: 'discriminator' (the paper's ASH, above) or
            'segmentation', the paper's "ASH (segmentation loss)" variant
            (its Tables 2-3; the authors' code has only the first): update
            1 raises G's segmentation loss of the rendering against the
            source labels, ``L_seg(x_sty)`` (weighted ``ash_adv_weight``),
            instead of ``L_adv``; update 2 is ``L_seg(x_src) +
            L_seg(x_sty)`` (logged as ``sty.*``); D is not used (no update
            3). Our reading of the variant's name: no code of it is public.
        seed: of the style / noise stream; None draws it from torch's
            global generator (seeded by the runner's ``randomness``). Kept
            in the state dict (``style_seed``), so resuming restores it.
        segmentor_type, **segmentor: G, see :class:`UDASegmentor`.
    """

    def __init__(self,
                 rain_checkpoint: str,
                 style: Union[str, Sequence[str]],
                 rain: dict = dict(type='RAIN'),
                 hallucinator: Optional[dict] = None,
                 discriminator: Optional[dict] = None,
                 adv_weight: float = 1e-3,
                 ash_adv_weight: float = 1e-3,
                 content_weight: float = 0.0,
                 style_weight: float = 0.0,
                 damping_iters: Optional[int] = None,
                 vis_interval: int = 500,
                 train_hallucinator: bool = True,
                 adversary: str = 'discriminator',
                 seed: Optional[int] = None,
                 segmentor_type: str = 'EncoderDecoder',
                 **segmentor):
        weights = dict(
            adv_weight=adv_weight,
            ash_adv_weight=ash_adv_weight,
            content_weight=content_weight,
            style_weight=style_weight)
        for name, value in weights.items():
            if value < 0:
                raise ValueError(f'ASH {name} must be >= 0, got {value}')
        if adversary not in ADVERSARIES:
            raise ValueError(f'ASH adversary must be one of {ADVERSARIES}, '
                             f'got {adversary!r}')
        if damping_iters is not None and damping_iters < 1:
            raise ValueError(
                f'ASH damping_iters must be None or >= 1, got {damping_iters}')
        style_stream = StyleImageStream(style)  # checked before the big builds
        super().__init__(segmentor_type, **segmentor)
        self.style_stream = style_stream
        classes = segmentor_classes(self.segmentor, 'ASH')
        self.hallucinator = build_module(
            _with_classes(
                dict(
                    type='ASHStyleHallucinator',
                    rain=dict(rain, checkpoint=rain_checkpoint)), hallucinator,
                classes, 'hallucinator'))
        self.discriminator = build_module(
            _with_classes(
                dict(type='OutputSpaceDiscriminator'), discriminator, classes,
                'discriminator'))
        self.adv_weight, self.ash_adv_weight = adv_weight, ash_adv_weight
        self.content_weight, self.style_weight = content_weight, style_weight
        self.vis_interval = vis_interval
        self.train_hallucinator = train_hallucinator
        self.adversary = adversary
        self.damping_iters = damping_iters
        #: the factor of both adversarial weights in the current iteration
        self.damping = 1.0
        if seed is None:
            seed = int(torch.randint(2**31, ()))
        self.register_buffer('style_seed',
                             torch.tensor(seed, dtype=torch.int64))
        self._steps = 0

    # -- the training step ------------------------------------------------

    def train_step(self, data: dict,
                   optim_wrapper: OptimWrapperDict) -> Dict[str, torch.Tensor]:
        """The three updates of one iteration; returns the log variables."""
        wrappers = self.optim_wrappers(optim_wrapper, *NETWORKS)
        iteration = self._iteration()
        self.damping = self.damping_at(iteration)
        self.style_stream.reseed(int(self.style_seed), get_rank(), iteration)
        raw_inputs = _equally_sized(data['inputs'])
        batch = self.data_preprocessor(data, True)
        logits = self.source_logits(batch['inputs'])
        images = bgr255_to_rgb01(raw_inputs, logits.device)
        height, width = images.shape[-2:]
        styles = self.style_stream.draw(
            len(images), (height, width), images.device)
        hallucination, ash_terms = self.update_hallucinator(
            images, styles, logits[..., :height, :width],
            batch['data_samples'], wrappers['hallucinator'],
            self.style_stream.generator)
        stylized = self.preprocess_stylized(hallucination.stylized.detach(),
                                            batch['data_samples'])
        log_vars, stylized_probs = self.update_segmentor(
            batch, stylized, wrappers['segmentor'])
        if self.adversary == 'discriminator':
            log_vars['disc_loss'] = self.update_discriminator(
                logits.softmax(1), stylized_probs, wrappers['discriminator'])
        if self.vis_interval and iteration % self.vis_interval == 0:
            rows = [
                images[:4], styles[:4], hallucination.stylized[:4].detach()
            ]
            Visualizer.get_current_instance().add_image(
                'ash_hallucination', rgb_grid(rows), step=iteration)
        log_vars.update({
            f'ash_{name}': value
            for name, value in ash_terms.items()
        })
        return log_vars

    def _iteration(self) -> int:
        """The runner's iteration (the message hub's ``iter``); outside a
        runner, the number of earlier calls."""
        iteration = MessageHub.get_current_instance().get_info('iter')
        self._steps += 1
        return self._steps - 1 if iteration is None else iteration

    def damping_at(self, iteration: int) -> float:
        """``max(0, 1 - iteration / damping_iters)``, 1 without damping."""
        if self.damping_iters is None:
            return 1.0
        return max(0.0, 1.0 - iteration / self.damping_iters)

    def source_logits(self, inputs: torch.Tensor) -> torch.Tensor:
        """G's logits of the preprocessed source batch, without gradient,
        through the bare segmentor, batch-norm statistics kept."""
        segmentor = self.segmentor_module
        with torch.no_grad(), batch_norm_statistics_kept(segmentor):
            return segmentation_logits(segmentor, inputs)

    def preprocess_stylized(self, stylized: torch.Tensor,
                            data_samples: Sequence) -> torch.Tensor:
        """G's inputs for RGB [0, 1] images: BGR [0, 255] through G's own data
        preprocessor; differentiable."""
        return preprocess(self.segmentor_module,
                          rgb01_to_bgr255(stylized).unbind(0), data_samples)

    # -- update 1: the conditioning net -------------------------------------

    def ash_objective(self, hallucination: Hallucination,
                      data_samples: Sequence) -> Dict[str, torch.Tensor]:
        """The terms of update 1: ``adv`` = ``L_adv`` of the rendering
        through a frozen G (bare, batch-norm statistics kept) and a frozen
        D; ``content`` / ``style`` if weighted; ``loss`` = what the
        conditioning net minimises."""
        segmentor, disc = self.segmentor_module, unwrap_model(
            self.discriminator)
        inputs = self.preprocess_stylized(hallucination.stylized, data_samples)
        with frozen(segmentor), batch_norm_statistics_kept(segmentor):
            if self.adversary == 'segmentation':
                terms = dict(
                    adv=self.parse_losses(
                        segmentor.loss(inputs, data_samples))[0])
            else:
                probs = segmentation_logits(segmentor, inputs).softmax(1)
        if self.adversary == 'discriminator':
            with frozen(disc):
                terms = dict(adv=domain_bce(disc, probs, SOURCE_LABEL))
        loss = -self.ash_adv_weight * self.damping * terms['adv']
        if self.content_weight or self.style_weight:
            terms.update(
                unwrap_model(
                    self.hallucinator).regularisation_losses(hallucination))
            loss = loss + self.content_weight * terms['content'] \
                + self.style_weight * terms['style']
        terms['loss'] = loss
        return terms

    def update_hallucinator(
        self,
        images: torch.Tensor,
        styles: torch.Tensor,
        source_logits: torch.Tensor,
        data_samples: Sequence,
        optim_wrapper: OptimWrapper,
        generator: Optional[torch.Generator] = None
    ) -> Tuple[Hallucination, Dict[str, torch.Tensor]]:
        """Update 1: render ``images`` (RGB [0, 1]) in ``styles`` conditioned
        on G's ``source_logits`` (noise ``Z`` from ``generator``) and make
        one step of the conditioning net; gradients reach no other network.
        Returns the rendering and the terms before the step (detached).
        With ``train_hallucinator=False``: the rendering only, no terms."""
        if not self.train_hallucinator:
            with torch.no_grad():
                return self.hallucinator(images, styles, source_logits,
                                         generator), {}
        with optim_wrapper.optim_context(self.hallucinator):
            hallucination = self.hallucinator(images, styles, source_logits,
                                              generator)
            terms = self.ash_objective(hallucination, data_samples)
        optim_wrapper.update_params(terms['loss'])
        return hallucination, {
            name: value.detach()
            for name, value in terms.items()
        }

    # -- update 2: the segmentor ----------------------------------------------

    def segmentor_losses(
        self, batch: dict, stylized_inputs: torch.Tensor
    ) -> Tuple[Dict[str, torch.Tensor], torch.Tensor]:
        """G's losses on the preprocessed source ``batch`` plus
        ``loss_ash_adv = adv_weight * L_adv`` of the preprocessed stylized
        inputs (both forwards through ``self.segmentor``, D frozen), and
        G's class probabilities of the stylized inputs."""
        losses = self.segmentor(
            batch['inputs'], batch['data_samples'], mode='loss')
        if self.adversary == 'segmentation':  # no D: G learns the renderings
            stylized = self.segmentor(
                stylized_inputs, batch['data_samples'], mode='loss')
            losses.update({
                f'sty.{key}': value
                for key, value in stylized.items()
            })
            return losses, None
        probs = segmentation_logits(self.segmentor, stylized_inputs).softmax(1)
        disc = unwrap_model(self.discriminator)
        with frozen(disc):
            losses[
                'loss_ash_adv'] = self.adv_weight * self.damping * domain_bce(
                    disc, probs, SOURCE_LABEL)
        return losses, probs

    def update_segmentor(
        self, batch: dict, stylized_inputs: torch.Tensor,
        optim_wrapper: OptimWrapper
    ) -> Tuple[Dict[str, torch.Tensor], torch.Tensor]:
        """Update 2: one step of G on :meth:`segmentor_losses`. Returns G's
        log variables (before the step) and its stylized class
        probabilities (detached)."""
        with optim_wrapper.optim_context(self.segmentor):
            losses, probs = self.segmentor_losses(batch, stylized_inputs)
        loss, log_vars = self.parse_losses(losses)
        optim_wrapper.update_params(loss)
        return log_vars, None if probs is None else probs.detach()

    # -- update 3: the discriminator ------------------------------------------

    def discriminator_loss(self, source_probs: torch.Tensor,
                           stylized_probs: torch.Tensor) -> torch.Tensor:
        """``(BCE(D(p_src), 0) + BCE(D(p_sty), 1)) / 2``, one forward of D
        over both batches (equal sizes: the mean of the two means)."""
        probs = torch.cat([source_probs, stylized_probs]).detach()
        logits = self.discriminator(probs)
        labels = torch.full_like(logits, SOURCE_LABEL)
        labels[len(source_probs):] = STYLIZED_LABEL
        return F.binary_cross_entropy_with_logits(logits, labels)

    def update_discriminator(self, source_probs: torch.Tensor,
                             stylized_probs: torch.Tensor,
                             optim_wrapper: OptimWrapper) -> torch.Tensor:
        """Update 3: one step of D; returns its loss before the step."""
        with optim_wrapper.optim_context(self.discriminator):
            loss = self.discriminator_loss(source_probs, stylized_probs)
        optim_wrapper.update_params(loss)
        return loss.detach()


def _equally_sized(inputs: Sequence[torch.Tensor]) -> list:
    sizes = {tuple(img.shape) for img in inputs}
    if len(sizes) != 1:
        raise ValueError(
            'ASH needs a batch of equally sized images (crop them in the '
            f'pipeline); got shapes {sorted(sizes)}')
    return list(inputs)


def _with_classes(default: dict, extra: Optional[dict], classes: int,
                  key: str) -> dict:
    """``default`` updated with the user's ``extra`` arguments and G's class
    count; a clear error if ``extra`` names another one."""
    cfg = dict(default, **(extra or {}))
    if cfg.setdefault('num_classes', classes) != classes:
        raise ValueError(
            f'ASH: the segmentor predicts {classes} classes but '
            f'{key}.num_classes={cfg["num_classes"]}; leave num_classes out '
            f'(ASH gives the {key} the segmentor\'s)')
    return cfg

"""ASHHook: Adversarial Semantic Hallucination inside mmseg's own training loop."""
from typing import Dict, Optional, Sequence, Tuple, Union

import numpy as np
import torch
import torch.nn.functional as F
from mmengine.dist import broadcast_object_list, get_rank
from mmengine.hooks import Hook
from mmengine.optim import build_optim_wrapper
from mmasm.registry import HOOKS, MODELS

from mmasm.models.ash import Hallucination
from mmasm.utils import (bgr255_to_rgb01, frozen, list_images, read_rgb, rgb01_to_bgr255,
                         rgb_grid, unwrap_model as unwrap)
from .ash_segmentor import (SOURCE_LABEL, STYLIZED_LABEL, batch_norm_statistics_kept,
                            broadcast_module, build_schedulers, domain_bce,
                            optimizer_step, preprocess, segmentation_logits,
                            segmentor_classes)

DATA_BATCH = Optional[Union[dict, tuple, list]]

ASH_OPTIM_WRAPPER = dict(type='OptimWrapper', optimizer=dict(
    type='SGD', lr=2.5e-4, momentum=0.9, weight_decay=5e-4))
DISC_OPTIM_WRAPPER = dict(type='OptimWrapper', optimizer=dict(
    type='Adam', lr=1e-4, betas=(0.9, 0.99)))


@HOOKS.register_module()
class ASHHook(Hook):
    """Adversarial Semantic Hallucination (Tjio et al., 2021) as a hook:
    zero-shot, no target image at all.

    Each iteration makes the paper's three updates:

    1. **ASH** (before the loop's step): the segmentor's class map of the
       source batch (a no-grad forward) conditions
       :class:`ASHStyleHallucinator`, which renders the sources in
       hallucinated versions of random images from ``style``; its
       conditioning net takes one step *up* the segmentor's adversarial loss
       (plus small content / style terms).
    2. **Segmentor** (the loop's own ``train_step``): segmentation loss on
       the source batch plus ``adv_weight`` times the adversarial loss of the
       stylized batch (fool the discriminator into calling it source),
       logged as ``loss_ash_adv``.
    3. **Discriminator** (after the step): BCE with source 0, stylized 1, on
       the class probabilities the segmentor produced before its step.

    Why a forward hook on the segmentor: ``MMDistributedDataParallel``
    never calls the wrapped model's ``train_step``, so a segmentor subclass
    with its own training step would silently fall back to the plain one
    under DDP, and a second ``train_step`` would make two optimizer steps.
    Instead the hook registers a forward hook on the segmentor that, in
    ``mode='loss'`` while a stylized batch is pending, runs the segmentor on
    it and adds ``loss_ash_adv`` to the loss dict. That runs *inside*
    DDP's forward, so DDP reduces the gradient of the whole loss and the
    loop's optim wrapper makes one step, as usual; and it works with any
    ``EncoderDecoder`` config without changing its ``type``. ASH's modules
    are not part of ``runner.model``: they start from rank 0's weights and
    their gradients are averaged over ranks before every step. The hook's
    extra segmentor forwards (the no-grad one for the class map and the one
    of update 1) leave its batch-norm running statistics untouched.

    Args:
        rain_checkpoint: RAIN weights (only its VGG encoder and AdaIN decoder
            are used), loaded at construction.
        style: a folder (searched recursively), an image or a list of them;
            each source image gets one drawn at random every iteration,
            resized to the source size.
        num_classes: the segmentor's class count (checked in ``before_run``).
        rain: config of the RAIN model the checkpoint holds.
        hallucinator: extra arguments of :class:`ASHStyleHallucinator`
            (``label_smoothing``, ``conditioning``, ``alpha``, ``delta``,
            ``orthogonal_noise``, ...).
        discriminator: extra arguments of :class:`OutputSpaceDiscriminator`.
        adv_weight: weight of the segmentor's adversarial loss (1e-3).
        ash_adv_weight, content_weight, style_weight: ASH minimises
            ``-ash_adv_weight * L_adv + content_weight * L_c +
            style_weight * L_s``.
        ash_optim_wrapper, disc_optim_wrapper: mmengine optim wrapper
            configs of the conditioning net (SGD 2.5e-4) and the
            discriminator (Adam 1e-4, betas (0.9, 0.99)).
        ash_param_scheduler, disc_param_scheduler: mmengine parameter
            scheduler config(s), stepped every iteration (``by_epoch=False``).
        vis_interval: save a source / style / stylized grid through the
            runner's visualizer every this many iterations (0: never).
    """

    priority = 'NORMAL'

    def __init__(self, rain_checkpoint: str, style: Union[str, Sequence[str]],
                 num_classes: int = 19, rain: dict = dict(type='RAIN'),
                 hallucinator: Optional[dict] = None, discriminator: Optional[dict] = None,
                 adv_weight: float = 1e-3, ash_adv_weight: float = 1.0,
                 content_weight: float = 1e-2, style_weight: float = 1e-2,
                 ash_optim_wrapper: dict = ASH_OPTIM_WRAPPER,
                 disc_optim_wrapper: dict = DISC_OPTIM_WRAPPER,
                 ash_param_scheduler=None, disc_param_scheduler=None,
                 vis_interval: int = 500):
        for name, value in dict(adv_weight=adv_weight, ash_adv_weight=ash_adv_weight,
                                content_weight=content_weight,
                                style_weight=style_weight).items():
            if value < 0:
                raise ValueError(f'ASHHook {name} must be >= 0, got {value}')
        try:
            self.style_files = list_images(style)
        except (FileNotFoundError, ValueError) as err:
            raise type(err)(f'ASHHook style images ({style!r}): {err}') from err
        self.hallucinator = MODELS.build(dict(
            dict(type='ASHStyleHallucinator', num_classes=num_classes,
                 rain=dict(rain, checkpoint=rain_checkpoint)), **(hallucinator or {})))
        self.discriminator = MODELS.build(dict(
            dict(type='OutputSpaceDiscriminator', num_classes=num_classes),
            **(discriminator or {})))
        self.ash_optim_wrapper = build_optim_wrapper(self.hallucinator.conditioning_net,
                                                     ash_optim_wrapper)
        self.disc_optim_wrapper = build_optim_wrapper(self.discriminator, disc_optim_wrapper)
        self.ash_schedulers = build_schedulers(ash_param_scheduler, self.ash_optim_wrapper,
                                               'ash_param_scheduler')
        self.disc_schedulers = build_schedulers(disc_param_scheduler, self.disc_optim_wrapper,
                                                'disc_param_scheduler')
        self.adv_weight = adv_weight
        self.ash_adv_weight = ash_adv_weight
        self.content_weight = content_weight
        self.style_weight = style_weight
        self.vis_interval = vis_interval
        self._rng = torch.Generator()
        self._seed = 0
        self._handle = None
        self._reset_iteration()

    def _reset_iteration(self) -> None:
        self._source_probs = self._stylized_inputs = self._stylized_probs = None

    # -- set-up -------------------------------------------------------------

    def before_run(self, runner) -> None:
        """Check the segmentor's classes, move ASH next to it, give every
        rank rank 0's ASH weights, seed the per-rank style / noise stream and
        hook the adversarial loss into the segmentor's forward."""
        model = unwrap(runner.model)
        classes = segmentor_classes(model)
        for name, module in (('hallucinator', self.hallucinator),
                             ('discriminator', self.discriminator)):
            if module.num_classes != classes:
                raise ValueError(
                    f'ASHHook: the segmentor predicts {classes} classes but the {name} '
                    f'was built for {module.num_classes}; set num_classes={classes} in '
                    f'the ASHHook config')
        self.device = next(model.parameters()).device
        self.hallucinator.to(self.device)
        self.discriminator.to(self.device)
        broadcast_module(self.hallucinator.conditioning_net)
        broadcast_module(self.discriminator)
        seed = [runner.seed if runner.seed is not None else 0]
        broadcast_object_list(seed)
        self._seed = seed[0]
        self._reseed(runner.iter)
        if self._handle is not None:
            self._handle.remove()
        self._handle = model.register_forward_hook(self._add_adversarial_loss,
                                                   with_kwargs=True)

    def _reseed(self, iteration: int) -> None:
        """Seed the style / noise stream from (seed, rank, iteration): each
        rank draws its own styles, and a resumed run draws the same ones as
        an uninterrupted run without any random state in the checkpoint."""
        state = np.random.SeedSequence([self._seed, get_rank(), iteration]).generate_state(2)
        self._rng.manual_seed(int(state[0]) << 32 | int(state[1]))

    def after_run(self, runner) -> None:
        if self._handle is not None:
            self._handle.remove()
            self._handle = None

    # -- the three updates --------------------------------------------------

    def before_train_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None) -> None:
        """Update 1 (ASH), and leave the stylized batch for the segmentor's
        own training step."""
        self._reset_iteration()
        self._reseed(runner.iter)
        model = unwrap(runner.model)
        inputs, samples = data_batch['inputs'], data_batch['data_samples']
        sizes = {tuple(img.shape) for img in inputs}
        if len(sizes) != 1:
            raise ValueError('ASHHook needs a batch of equally sized images (crop them in '
                             f'the pipeline); got shapes {sorted(sizes)}')
        with torch.no_grad(), batch_norm_statistics_kept(model):
            source_logits = segmentation_logits(model, preprocess(model, inputs, samples))
        self._source_probs = source_logits.softmax(1)
        images = bgr255_to_rgb01(inputs, self.device)
        height, width = images.shape[-2:]
        styles = self.read_styles(len(images), (height, width))
        hallucination = self.hallucinator(images, styles, source_logits[..., :height, :width],
                                          self._rng)
        terms = self.update_hallucinator(model, hallucination, samples)
        stylized = rgb01_to_bgr255(hallucination.stylized.detach())
        self._stylized_inputs = preprocess(model, stylized.unbind(0), samples)
        hub = runner.message_hub
        for name, value in terms.items():
            hub.update_scalar(f'train/ash_{name}', value)
        hub.update_scalar('train/ash_lr', self.ash_optim_wrapper.get_lr()['lr'][0])
        if self.vis_interval and runner.iter % self.vis_interval == 0:
            rows = [images[:4], styles[:4], hallucination.stylized[:4]]
            runner.visualizer.add_image('ash_hallucination', rgb_grid(rows), step=runner.iter)

    def _add_adversarial_loss(self, module, args, kwargs, output):
        """Forward hook on the segmentor (update 2): in ``mode='loss'`` with
        a pending stylized batch, add ``adv_weight * BCE(D(softmax(G(x_sty))),
        source)`` to its losses. The discriminator is frozen meanwhile."""
        mode = kwargs.get('mode', args[2] if len(args) > 2 else 'tensor')
        if mode != 'loss' or self._stylized_inputs is None or not module.training:
            return None
        inputs, self._stylized_inputs = self._stylized_inputs, None
        probs = segmentation_logits(module, inputs).softmax(1)
        self._stylized_probs = probs.detach()
        with frozen(self.discriminator):
            loss = domain_bce(self.discriminator, probs, SOURCE_LABEL)
        return dict(output, loss_ash_adv=self.adv_weight * loss)

    def after_train_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                         outputs: Optional[dict] = None) -> None:
        """Update 3 (discriminator) and the ASH / discriminator schedulers."""
        if self._stylized_probs is None:
            raise RuntimeError(
                "ASHHook: the segmentor's training step did not run its forward in "
                "mode='loss' on this iteration, so the stylized batch got no adversarial "
                'loss; ASHHook needs the loop to call runner.model.train_step')
        loss = self.update_discriminator(self._source_probs, self._stylized_probs)
        for scheduler in self.ash_schedulers + self.disc_schedulers:
            scheduler.step()
        runner.message_hub.update_scalar('train/disc_loss', loss)
        runner.message_hub.update_scalar('train/disc_lr',
                                         self.disc_optim_wrapper.get_lr()['lr'][0])
        self._reset_iteration()

    def read_styles(self, num: int, size: Tuple[int, int]) -> torch.Tensor:
        """``num`` style images drawn at random (this rank's stream), RGB in
        [0, 1], resized to ``size``."""
        picks = torch.randint(len(self.style_files), (num, ), generator=self._rng).tolist()
        styles = [F.interpolate(read_rgb(self.style_files[i])[None], size=tuple(size),
                                mode='bilinear', align_corners=False, antialias=True)
                  for i in picks]
        return torch.cat(styles).to(self.device)

    def ash_objective(self, segmentor, hallucination: Hallucination,
                      samples: Sequence) -> Dict[str, torch.Tensor]:
        """The terms of update 1: ``adv`` = BCE(D(softmax(G(x_sty))), source),
        the adversarial loss ASH raises (through the segmentor and a frozen
        discriminator), and the content / style terms if weighted;
        ``loss`` = what the conditioning net minimises."""
        stylized = preprocess(segmentor, rgb01_to_bgr255(hallucination.stylized).unbind(0),
                              samples)
        with batch_norm_statistics_kept(segmentor):
            probs = segmentation_logits(segmentor, stylized).softmax(1)
        with frozen(self.discriminator):
            terms = dict(adv=domain_bce(self.discriminator, probs, SOURCE_LABEL))
        loss = -self.ash_adv_weight * terms['adv']
        if self.content_weight or self.style_weight:
            terms.update(self.hallucinator.regularisation_losses(hallucination))
            loss = loss + self.content_weight * terms['content'] \
                + self.style_weight * terms['style']
        terms['loss'] = loss
        return terms

    def update_hallucinator(self, segmentor, hallucination: Hallucination,
                            samples: Sequence) -> Dict[str, float]:
        """Update 1: one step of the conditioning net (gradients reach no
        other module); returns the terms before the step."""
        terms = self.ash_objective(segmentor, hallucination, samples)
        net = self.hallucinator.conditioning_net
        optimizer_step(self.ash_optim_wrapper, net, terms['loss'])
        return {name: value.item() for name, value in terms.items()}

    def discriminator_loss(self, source_probs: torch.Tensor,
                           stylized_probs: torch.Tensor) -> torch.Tensor:
        """``(BCE(D(p_src), 0) + BCE(D(p_sty), 1)) / 2``."""
        return 0.5 * (domain_bce(self.discriminator, source_probs.detach(), SOURCE_LABEL)
                      + domain_bce(self.discriminator, stylized_probs.detach(), STYLIZED_LABEL))

    def update_discriminator(self, source_probs: torch.Tensor,
                             stylized_probs: torch.Tensor) -> float:
        """Update 3: one discriminator step; returns its loss before it."""
        loss = self.discriminator_loss(source_probs, stylized_probs)
        optimizer_step(self.disc_optim_wrapper, self.discriminator, loss)
        return loss.item()

    # -- checkpoints ----------------------------------------------------------

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        """Save the conditioning net, the discriminator, their optimizers and
        schedulers (RAIN is not saved: it is frozen and read from
        ``rain_checkpoint``; the random streams are seeded per iteration)."""
        checkpoint['ash_hook'] = dict(
            conditioning_net=self.hallucinator.conditioning_net.state_dict(),
            discriminator=self.discriminator.state_dict(),
            ash_optimizer=self.ash_optim_wrapper.state_dict(),
            disc_optimizer=self.disc_optim_wrapper.state_dict(),
            ash_schedulers=[s.state_dict() for s in self.ash_schedulers],
            disc_schedulers=[s.state_dict() for s in self.disc_schedulers])

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        state = checkpoint.get('ash_hook')
        if state is None:
            runner.logger.warning('ASHHook: the checkpoint holds no ASHHook state; the '
                                  'conditioning net and discriminator start afresh')
            return
        self.hallucinator.conditioning_net.load_state_dict(state['conditioning_net'])
        self.discriminator.load_state_dict(state['discriminator'])
        self.ash_optim_wrapper.load_state_dict(state['ash_optimizer'])
        self.disc_optim_wrapper.load_state_dict(state['disc_optimizer'])
        for what in ('ash_schedulers', 'disc_schedulers'):
            schedulers = getattr(self, what)
            if len(state[what]) != len(schedulers):
                raise ValueError(f'ASHHook: the checkpoint holds {len(state[what])} '
                                 f'{what} but the config builds {len(schedulers)}')
            for scheduler, scheduler_state in zip(schedulers, state[what]):
                scheduler.load_state_dict(scheduler_state)

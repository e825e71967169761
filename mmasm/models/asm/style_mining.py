"""Adversarial Style Mining (ASM), usable from plain PyTorch.

The paper (Luo et al., NeurIPS 2020, Alg. 1) alternates, for each source
batch and ``n`` search steps, between training the task model on
``x_style = RAIN(x_S, eps)`` and moving the latent style code ``eps`` up the
gradient of the task loss: ``eps <- eps + beta * grad_eps L_M``.
"""
import math
import numbers
from typing import Optional, Tuple

import torch
import torch.nn as nn

from mmasm.registry import MODELS
from mmasm.utils import build_module
from ..rain import RAIN
from ..rain.resampling import render_size, resize

SAMPLING_MODES = ('asm', 'anchored', 'random')
STEP_RULES = ('paper', 'authors', 'sign', 'l2')


def ascent_direction(grad: torch.Tensor, loss: float,
                     step_rule: str) -> torch.Tensor:
    """The unscaled ascent step for ``eps`` under ``step_rule``.

    ``paper``: the raw gradient (Alg. 1); ``authors``: the gradient divided by
    the loss value, as the authors' code does (beta = 20 / loss); ``sign``:
    its sign (FGSM-like); ``l2``: the gradient normalised per sample.
    """
    if step_rule == 'paper':
        return grad
    if step_rule == 'authors':
        return grad / max(float(loss), 1e-12)
    if step_rule == 'sign':
        return grad.sign()
    if step_rule == 'l2':
        return grad / grad.flatten(1).norm(dim=1).clamp_min(1e-12)[:, None]
    raise ValueError(
        f'step_rule must be one of {STEP_RULES}, got {step_rule!r}')


class StyleSearch:
    """The search state of one source batch: ``f_c = E(x_S)`` (fixed across
    the n steps), the current latent codes ``eps`` and which anchor each
    image's code was drawn around."""

    def __init__(self, mining: 'AdversarialStyleMining', content: torch.Tensor,
                 size: Tuple[int, int], generator: Optional[torch.Generator]):
        self.mining = mining
        self.content = content
        self.size = size
        self.generator = generator
        self.depth = 0
        self.num_resampled = 0
        self.last_step_norm = 0.0
        self.anchor_index, self.eps = mining.sample(len(content), generator)
        self.eps.requires_grad_(mining.sampling == 'asm')

    def stylized(self) -> torch.Tensor:
        """``x_style = D(AdaIN(f_c, D_vae(eps)))``, RGB, differentiable in eps
        for ``sampling='asm'`` unless called under ``torch.no_grad()``."""
        with torch.set_grad_enabled(torch.is_grad_enabled()
                                    and self.eps.requires_grad):
            return self.mining.render(self.content, self.eps, self.size)

    def anchor_distance(self) -> torch.Tensor:
        """Per-image ``||eps - psi_k||_2`` (``||eps||`` without an anchor)."""
        eps = self.eps.detach()
        if self.mining.anchor_mean is None:
            return eps.norm(dim=1)
        return (eps - self.mining.anchor_mean[self.anchor_index]).norm(dim=1)

    @torch.no_grad()
    def step(self, loss: Optional[float] = None) -> None:
        """Advance one search depth.

        ``asm``: ``eps += step_size * direction(grad_eps L_M)`` from the
        gradient the task model's own backward left on ``eps``; non-finite
        rows are resampled. ``anchored`` / ``random``: draw fresh codes.
        """
        self.depth += 1
        if self.mining.sampling != 'asm':
            self.anchor_index, self.eps = self.mining.sample(
                len(self.eps), self.generator)
            return
        if self.eps.grad is None:
            raise RuntimeError(
                'eps has no gradient: the task loss must be '
                'computed from search.stylized() and backpropagated '
                'before search.step()')
        delta = self.mining.step_size * ascent_direction(
            self.eps.grad, loss if loss is not None else 1.0,
            self.mining.step_rule)
        self.eps.grad = None
        self.eps += delta
        self.last_step_norm = delta.norm(dim=1).mean().item()
        self._resample_nonfinite()

    def _resample_nonfinite(self) -> None:
        bad = ~torch.isfinite(self.eps).all(dim=1)
        if bad.any():
            index, eps = self.mining.sample(int(bad.sum()), self.generator)
            self.eps[bad] = eps
            self.anchor_index[bad] = index
            self.num_resampled += int(bad.sum())


@MODELS.register_module()
class AdversarialStyleMining(nn.Module):
    """Searches for hard target-like styles around a one-shot target anchor.

    Args:
        rain: a pretrained :class:`RAIN` (module or config dict); kept frozen.
        search_depth: the paper's ``n``, search steps per source batch
            (2 for segmentation, 5 for classification).
        step_size: the paper's ``beta``. With ``step_rule='authors'`` the
            step is ``beta / L_M * grad`` (the authors use beta = 20).
        step_rule: ``'paper'``, ``'authors'``, ``'sign'`` or ``'l2'``.
        sampling: ``'asm'`` (ascent from ``eps ~ N(psi, xi)``), ``'anchored'``
            (fresh ``eps ~ N(psi, xi)`` at every depth, no ascent) or
            ``'random'`` (fresh ``eps ~ N(0, I)``), the arms of Table 4.
        render_scale: run RAIN on images resized by this factor and resize
            the stylizations back (not in the paper). RAIN's cost per pixel
            is fixed, so 0.5 makes it 4x cheaper, for small segmentors
            whose own step is cheaper than RAIN's; 1.0 (default) = paper.

    Call :meth:`set_anchor` with the target image(s) first (not needed for
    ``'random'``), then :meth:`search` once per source batch.
    """

    def __init__(self,
                 rain,
                 search_depth: int = 2,
                 step_size: float = 20.0,
                 step_rule: str = 'paper',
                 sampling: str = 'asm',
                 render_scale: float = 1.0):
        super().__init__()
        for key, value in (('search_depth (n)', search_depth),
                           ('step_size (beta)', step_size), ('render_scale',
                                                             render_scale)):
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise TypeError(f'{key} must be a number, got {value!r} '
                                f'({type(value).__name__})')
        if int(search_depth) != search_depth or search_depth < 1:
            raise ValueError(
                f'search_depth (n) must be an integer >= 1, got {search_depth}'
            )
        if sampling not in SAMPLING_MODES:
            raise ValueError(
                f'sampling must be one of {SAMPLING_MODES}, got {sampling!r}')
        if step_rule not in STEP_RULES:
            raise ValueError(
                f'step_rule must be one of {STEP_RULES}, got {step_rule!r}')
        if not 0 < render_scale <= 1:
            raise ValueError(
                f'render_scale must be in (0, 1], got {render_scale}')
        if not math.isfinite(step_size) or step_size < 0:
            # nan / inf steps make every eps non-finite: each would be resampled
            raise ValueError(
                f'step_size (beta) must be a finite number >= 0, got {step_size}'
            )
        self.rain = build_module(
            rain)  # in mmasm's scope, whatever the config's
        if not isinstance(self.rain, RAIN):
            raise TypeError(
                f'rain must be a RAIN module or config, got {type(self.rain)}')
        # channels_last: 1.3x faster ascent steps on CPU (bench_rain.py),
        # equal to the default layout up to float rounding.
        self.rain.requires_grad_(False).eval().to(
            memory_format=torch.channels_last)
        self.search_depth = int(search_depth)
        self.step_size = float(step_size)
        self.step_rule = step_rule
        self.sampling = sampling
        self.render_scale = float(render_scale)
        self.register_buffer('anchor_mean', None, persistent=False)
        self.register_buffer('anchor_std', None, persistent=False)

    def train(self, mode: bool = True):
        # RAIN is a fixed generator: never switch it to train mode.
        return super().train(False)

    @torch.no_grad()
    def set_anchor(
            self,
            target_images: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """``(psi, xi) = E_vae(E(x_T))`` for each target image (RGB in [0, 1]);
        k images give the paper's k anchors. Returns and stores them.
        (``mmasm.apis.compute_anchor`` takes files or images of different
        sizes; pass its result to :meth:`use_anchor`.)"""
        return self.use_anchor(*self.rain.anchor(target_images))

    def use_anchor(self, mean: torch.Tensor,
                   std: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Store anchors computed elsewhere (``compute_anchor``): ``mean``
        ``psi`` and ``std`` ``xi``, both ``(k, d)`` with ``d`` the RAIN's
        code size. Returns them."""
        if mean.dim() != 2 or mean.shape != std.shape \
                or mean.shape[1] != self.rain.latent_dim:
            raise ValueError(
                'anchor mean and std must both be (k, '
                f'{self.rain.latent_dim}) (k anchors of the RAIN\'s code '
                f'size), got {tuple(mean.shape)} and {tuple(std.shape)}')
        self.anchor_mean, self.anchor_std = mean, std
        return mean, std

    def sample(
        self,
        num: int,
        generator: Optional[torch.Generator] = None
    ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Draw ``num`` codes; returns ``(anchor index per code, eps)``."""
        if self.sampling == 'random':
            eps = self.rain.sample_eps(num, generator=generator)
            return torch.zeros(num, dtype=torch.long, device=eps.device), eps
        if self.anchor_mean is None:
            raise RuntimeError(
                f"sampling='{self.sampling}' needs a target anchor: "
                'call set_anchor(target_images) first')
        return self.rain.sample_anchored(num, self.anchor_mean,
                                         self.anchor_std, generator)

    @torch.no_grad()
    def search(self,
               images: torch.Tensor,
               generator: Optional[torch.Generator] = None) -> StyleSearch:
        """Start the search for a batch of source images (RGB in [0, 1])."""
        size = tuple(images.shape[-2:])
        content = self.rain.content_features(
            resize(images, render_size(size, self.render_scale)))
        return StyleSearch(self, content, size, generator)

    def render(self, content: torch.Tensor, eps: torch.Tensor,
               size: Tuple[int, int]) -> torch.Tensor:
        """``D(AdaIN(f_c, D_vae(eps)))`` at ``size`` (rendered at
        ``render_scale`` of it, then resized)."""
        return resize(
            self.rain.render(content, eps,
                             render_size(size, self.render_scale)), size)

"""Adversarial Semantic Hallucination (ASH), usable from plain PyTorch.

Tjio et al., "Adversarial Semantic Hallucination for Domain Generalized
Semantic Segmentation" (2021): the relu4_1 features of an arbitrary style
image are modulated per pixel by a scale and a shift predicted from the
segmentor's class map of the source image, perturbed by the noise Z (the
authors': ``f * (1 + V)``, V singular vectors of a Gaussian tensor), and
rendered onto the source with AdaIN and a frozen decoder:

    f'_sty = Z f_sty * (gamma + delta) + beta
    x_stylized = Dec(0.5 f_src + 0.5 AdaIN(f_src, f'_sty))

The conditioning net is trained to *raise* the segmentor's adversarial loss
(harder styles), the segmentor to lower it.
"""
from typing import List, NamedTuple, Optional, Sequence, Union

import torch
import torch.nn as nn

from mmasm.registry import MODELS
from mmasm.utils import build_module
from ..rain import RAIN
from ..rain.adain import adain, style_statistics
from ..rain.rain_loss import content_loss, style_loss
from ..rain.resampling import reflect_pad, render_size, resize
from .conditioning_net import (CONDITIONING_INPUTS, SemanticConditioningNet,
                               smoothed_class_map)


class Hallucination(NamedTuple):
    """One ASH rendering of a batch."""
    #: ``(N, 3, H, W)`` RGB images, differentiable in the conditioning net.
    stylized: torch.Tensor
    #: the decoder's output (at the render size, before cropping).
    decoded: torch.Tensor
    #: ``t = (1 - alpha) f_src + alpha AdaIN(f_src, f'_sty)``.
    target: torch.Tensor
    #: relu1_1 .. relu4_1 of the style images (fixed).
    style_taps: List[torch.Tensor]


#: The noise ``Z`` on the style features: ``'authors'`` = ``f * (1 + V)``
#: with ``V`` singular vectors of a Gaussian tensor (the authors' code),
#: ``'rotation'`` = ``Z f``, a random orthogonal mixing of the channels
#: (mmasm before its faithfulness audit), ``None`` = no noise.
NOISE_KINDS = ('authors', 'rotation', None)


def singular_vector_noise(
        shape: Sequence[int],
        generator: Optional[torch.Generator] = None,
        device: Union[str, torch.device] = 'cpu') -> torch.Tensor:
    """The authors' noise ``V`` for style features of ``shape`` ``(N, C, h, w)``:
    the singular vectors of a Gaussian tensor of that shape, one SVD per
    ``(h, w)`` map (``torch.svd``'s right factor ``(w, h)`` reshaped to
    ``(h, w)``, as their ``n_v.reshape(style_f.shape)``; for ``h > w``, where
    their reshape fails, the left factor ``(h, w)``), drawn with the CPU
    ``generator``. Its entries are small (about ``1 / sqrt(max(h, w))``): the
    authors multiply the style features by ``1 + V``."""
    num, channels, height, width = shape
    gaussian = torch.randn(
        num, channels, height, width, generator=generator).to(device)
    u, _, vh = torch.linalg.svd(gaussian, full_matrices=False)
    factor = vh.mT if height <= width else u
    return factor.reshape(num, channels, height, width)


def orthogonal_noise(num: int,
                     channels: int,
                     generator: Optional[torch.Generator] = None,
                     device: Union[str, torch.device] = 'cpu') -> torch.Tensor:
    """``num`` random orthogonal ``(channels, channels)`` matrices ``Z`` on
    ``device`` (``noise='rotation'``): the orthogonal factor ``U V^T`` of the
    SVD of a Gaussian matrix, drawn with the CPU ``generator``.

    On a CPU whose cores other processes share, the multi-threaded SVD of
    a few 512 x 512 matrices crawls: 0.8 to 8 s for four matrices with 2
    intra-op threads on a busy 2-core machine, against 0.25 s with one
    (torch 2.14). The thread count is the caller's to set
    (``torch.set_num_threads`` / ``OMP_NUM_THREADS``; mmasm's tests use
    one thread)."""
    gaussian = torch.randn(
        num, channels, channels, generator=generator).to(device)
    u, _, vh = torch.linalg.svd(gaussian)
    return u @ vh


def _without_rain(module, state_dict, prefix, local_metadata) -> None:
    for key in [k for k in state_dict if k.startswith(prefix + 'rain.')]:
        del state_dict[key]


def _with_own_rain(module, state_dict, prefix, *args) -> None:
    for key, value in module.rain.state_dict(prefix=prefix + 'rain.').items():
        state_dict.setdefault(key, value)


@MODELS.register_module()
class ASHStyleHallucinator(nn.Module):
    """Adversarial Semantic Hallucination's style generator.

    Holds RAIN's frozen VGG encoder and AdaIN decoder (its style VAE is not
    used) and the trainable :class:`SemanticConditioningNet`; only the latter
    has trainable parameters. RAIN stays out of the state dict (its weights
    come from its own checkpoint): loading a state dict keeps the RAIN this
    module was built with.

    Args:
        num_classes: the segmentor's class count ``C``.
        rain: a pretrained :class:`RAIN` (module or config dict, e.g.
            ``dict(type='RAIN', checkpoint='rain.pth')``); kept frozen.
        label_smoothing: applied to the conditioning class map (0.1).
        conditioning: ``'softmax'`` (class probabilities) or ``'one_hot'``
            (argmax prediction) as the conditioning input.
        alpha: weight of the stylized features in the decoder input
            (``t = (1 - alpha) f_src + alpha AdaIN``); 0.5 in ASH.
        delta: added to the predicted scale, ``gamma + delta`` (1).
        noise: the noise ``Z`` on the style features, one of
            :data:`NOISE_KINDS`: ``'authors'`` (default) multiplies them by
            ``1 + V`` (:func:`singular_vector_noise`, the authors' code);
            ``'rotation'`` mixes their channels by a random orthogonal
            matrix (:func:`orthogonal_noise`; not the authors'); None: none.
        conditioning_net: extra arguments of :class:`SemanticConditioningNet`
            (its ``style_channels`` default to the RAIN encoder's width).
        render_scale: run RAIN on source and style images resized by this
            factor and resize the stylizations back (not in the paper; as
            ASM's ``render_scale``): 0.5 makes RAIN 4x cheaper, for small
            segmentors on a CPU; 1.0 (default) = paper.
    """

    def __init__(self,
                 num_classes: int,
                 rain=dict(type='RAIN'),
                 label_smoothing: float = 0.1,
                 conditioning: str = 'softmax',
                 alpha: float = 0.5,
                 delta: float = 1.0,
                 noise: Optional[str] = 'authors',
                 conditioning_net: Optional[dict] = None,
                 render_scale: float = 1.0):
        super().__init__()
        if not 0 < render_scale <= 1:
            raise ValueError(
                f'render_scale must be in (0, 1], got {render_scale}')
        if not 0.0 <= alpha <= 1.0:
            raise ValueError(f'alpha must be in [0, 1], got {alpha}')
        if noise not in NOISE_KINDS:
            raise ValueError(
                f'noise must be one of {NOISE_KINDS}, got {noise!r}')
        if conditioning not in CONDITIONING_INPUTS:
            raise ValueError(
                f'conditioning must be one of {CONDITIONING_INPUTS}, '
                f'got {conditioning!r}')
        if not 0.0 <= label_smoothing < 1.0:
            raise ValueError(
                f'label_smoothing must be in [0, 1), got {label_smoothing}')
        self.rain = build_module(rain)
        if not isinstance(self.rain, RAIN):
            raise TypeError(
                f'rain must be a RAIN module or config, got {type(self.rain)}')
        self.rain.requires_grad_(False).eval().to(
            memory_format=torch.channels_last)
        # gamma, beta sized to the RAIN's features (512 at relu4_1, fewer at a shallower tap)
        self.conditioning_net = SemanticConditioningNet(
            num_classes,
            **dict(
                dict(style_channels=self.rain.encoder.channels),
                **(conditioning_net or {})))
        self.num_classes = num_classes
        self.label_smoothing = float(label_smoothing)
        self.conditioning = conditioning
        self.alpha = float(alpha)
        self.delta = float(delta)
        self.noise = noise
        self.render_scale = float(render_scale)
        self.register_state_dict_post_hook(_without_rain)
        self.register_load_state_dict_pre_hook(_with_own_rain)

    def train(self, mode: bool = True):
        super().train(mode)
        self.rain.eval()  # a fixed renderer
        return self

    def class_map(self, seg_logits: torch.Tensor) -> torch.Tensor:
        """The smoothed conditioning input from segmentor logits (no gradient
        flows back into the segmentor)."""
        return smoothed_class_map(seg_logits.detach(), self.label_smoothing,
                                  self.conditioning)

    def hallucinate_style(
            self,
            style_feat: torch.Tensor,
            class_map: torch.Tensor,
            noise: Optional[torch.Tensor] = None) -> torch.Tensor:
        """``f'_sty = Z f_sty * (gamma + delta) + beta`` for style features
        ``(N, 512, h, w)``: ``Z f_sty = f_sty * (1 + noise)`` for a noise of
        their shape (``'authors'``), ``einsum(noise, f_sty)`` for
        ``(N, 512, 512)`` matrices (``'rotation'``), ``f_sty`` for None."""
        gamma, beta = self.conditioning_net(class_map, style_feat.shape[-2:])
        if noise is not None and noise.shape == style_feat.shape:
            style_feat = style_feat * (1.0 + noise)
        elif noise is not None:
            style_feat = torch.einsum('ncd,ndhw->nchw', noise, style_feat)
        return style_feat * (gamma + self.delta) + beta

    def draw_noise(
            self,
            shape: Sequence[int],
            generator: Optional[torch.Generator] = None
    ) -> Optional[torch.Tensor]:
        """The noise ``Z`` of style features of ``shape`` (see ``noise``)."""
        device = self.conditioning_net.trunk[0].weight.device
        if self.noise == 'authors':
            return singular_vector_noise(shape, generator, device)
        if self.noise == 'rotation':
            return orthogonal_noise(shape[0], shape[1], generator, device)
        return None

    def forward(self,
                content_images: torch.Tensor,
                style_images: torch.Tensor,
                seg_logits: torch.Tensor,
                generator: Optional[torch.Generator] = None) -> Hallucination:
        """Render ``content_images`` in the hallucinated style.

        Args:
            content_images: source images, RGB ``(N, 3, H, W)`` in [0, 1].
            style_images: one style image per source image, RGB in [0, 1],
                any size of at least 16 pixels.
            seg_logits: the segmentor's logits ``(N, C, H', W')`` on the
                source images (the conditioning input; detached).
            generator: CPU generator of the noise ``Z``.
        """
        num = len(content_images)
        if len(style_images) != num or len(seg_logits) != num:
            raise ValueError(
                f'ASH needs one style image and one class map per source '
                f'image; got {num} sources, {len(style_images)} styles and '
                f'{len(seg_logits)} class maps')
        if seg_logits.shape[1] != self.num_classes:
            raise ValueError(
                f'ASH was built for {self.num_classes} classes, the segmentor '
                f'logits have {seg_logits.shape[1]}')
        size = tuple(content_images.shape[-2:])
        rendered = render_size(size, self.render_scale)
        with torch.no_grad():
            content = self.rain.content_features(
                resize(content_images, rendered))
            style_images = resize(
                style_images,
                render_size(style_images.shape[-2:], self.render_scale))
            style_taps = self.rain.encoder.forward_taps(
                reflect_pad(style_images))
        noise = self.draw_noise(style_taps[-1].shape, generator)
        # the conditioning net works at a quarter of its input's size: give
        # it the class map at the render size, not the segmentor's
        class_map = resize(self.class_map(seg_logits), rendered)
        style = self.hallucinate_style(style_taps[-1], class_map, noise)
        mixed = adain(content, *style_statistics(style))
        target = (1.0 - self.alpha) * content + self.alpha * mixed
        decoded = self.rain.decoder(target)
        stylized = resize(decoded[..., :rendered[0], :rendered[1]], size)
        return Hallucination(stylized, decoded, target, style_taps)

    def regularisation_losses(self, hallucination: Hallucination) -> dict:
        """The content and style terms (AdaIN's ``L_c``, ``L_s``) of a
        rendering: ``content`` = MSE(E(x), t), ``style`` = sum over relu1_1 ..
        relu4_1 of MSE(mean) + MSE(std) against the style images. They keep
        the hallucinated styles renderable."""
        taps = self.rain.encoder.forward_taps(hallucination.decoded)
        return dict(
            content=content_loss(taps[-1], hallucination.target),
            style=style_loss(taps, hallucination.style_taps))

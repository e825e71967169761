"""RAIN: Random AdaIN, the style generator of Adversarial Style Mining."""
from typing import Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn

from mmasm.registry import MODELS
from .adain import adain, style_statistics
from .adain_decoder import AdaINDecoder
from .checkpoint import load_rain_checkpoint
from .resampling import reflect_pad
from .style_vae import StyleVAE
from .vgg_encoder import VGGEncoder


@MODELS.register_module()
class RAIN(nn.Module):
    """Random AdaIN (Luo et al., "Adversarial Style Mining for One-Shot
    Unsupervised Domain Adaptation", NeurIPS 2020, section 3.2).

    ``x_style = D(AdaIN(E(x), D_vae(eps)))``: the VGG encoder ``E``, the
    AdaIN decoder ``D`` and the style VAE (``E_vae``, ``D_vae``) over the
    1024-d relu4_1 style vector (``2 C``-d at another ``encoder_tap``).
    ``eps`` is the latent style code the paper samples from
    ``N(psi, xi) = E_vae(E(x_T))`` and ASM moves uphill.

    Usable from plain PyTorch; images are RGB in ``[0, 1]``, any size of at
    least 16 pixels (reflection-padded to a multiple of 8 and cropped back).

    Args:
        vae_depth: Linear layers per side of the style VAE: 3 as in the
            authors' code and published weights (default), 2 as in the paper.
        latent_dim: dimension of ``eps``.
        frozen_encoder: keep the VGG encoder frozen (always, for RAIN).
        encoder_tap: where the encoder ends, ``'relu4_1'`` (the paper's,
            default), ``'relu3_1'`` or ``'relu2_1'``; the decoder mirrors it
            and the style VAE reads its ``2 C`` statistics. Not in the
            paper: a shallower tap keeps a larger feature map of small
            images (32x32 digits: 16x16 at relu2_1, 4x4 at relu4_1). A
            checkpoint of another tap is refused, naming both.
        checkpoint: weights to load (see :func:`load_rain_checkpoint`): a
            filename, or a dict of its arguments, e.g.
            ``dict(filename='vgg.pth', strict=False)``.
    """

    def __init__(self,
                 vae_depth: int = 3,
                 latent_dim: int = 512,
                 frozen_encoder: bool = True,
                 checkpoint: Optional[Union[str, dict]] = None,
                 encoder_tap: str = 'relu4_1'):
        super().__init__()
        self.encoder = VGGEncoder(frozen=frozen_encoder, tap=encoder_tap)
        self.decoder = AdaINDecoder(encoder_tap)
        self.style_vae = StyleVAE(
            self.encoder.channels, latent_dim, depth=vae_depth)
        if checkpoint is not None:
            if isinstance(checkpoint, str):
                checkpoint = dict(filename=checkpoint)
            load_rain_checkpoint(self, **checkpoint)

    @property
    def latent_dim(self) -> int:
        return self.style_vae.latent_dim

    def content_features(self, images: torch.Tensor) -> torch.Tensor:
        """``f_c = E(x)`` at the encoder's tap (relu4_1), of the image
        padded to a multiple of the encoder's stride (8 at relu4_1)."""
        return self.encoder(reflect_pad(images, self.encoder.stride))

    def style_statistics(
            self, images: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Channel ``(mean, std)`` at the tap of each image, each ``(N, C)``
        (``(N, 512)`` at relu4_1)."""
        return style_statistics(self.content_features(images))

    def anchor(self,
               images: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """The style anchor ``(psi, xi) = E_vae(E(x_T))`` of each target image.

        One row per image: one row for one-shot, k rows for the paper's
        k-anchor variant.
        """
        return self.style_vae.encode(*self.style_statistics(images))

    def decode_style(self,
                     eps: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """``D_vae(eps)``: latent style codes -> ``(mean, std)`` at the tap."""
        return self.style_vae.decode(eps)

    adain = staticmethod(adain)

    def sample_eps(
            self,
            num: int,
            psi: Optional[torch.Tensor] = None,
            xi: Optional[torch.Tensor] = None,
            generator: Optional[torch.Generator] = None) -> torch.Tensor:
        """Draw ``num`` latent codes: ``N(0, I)`` without an anchor, else
        ``N(psi_k, xi_k)`` with the anchor ``k`` drawn uniformly per sample."""
        if psi is None:
            device = next(self.parameters()).device
            return torch.randn(
                num, self.latent_dim, generator=generator, device=device)
        return self.sample_anchored(num, psi, xi, generator)[1]

    def sample_anchored(
        self,
        num: int,
        psi: torch.Tensor,
        xi: torch.Tensor,
        generator: Optional[torch.Generator] = None
    ) -> Tuple[torch.Tensor, torch.Tensor]:
        """``(k, eps)``: for each of ``num`` codes, the anchor index ``k``
        drawn uniformly and ``eps ~ N(psi_k, xi_k)``."""
        index = torch.randint(
            len(psi), (num, ), generator=generator, device=psi.device)
        return index, StyleVAE.sample(psi[index], xi[index], generator)

    def render(self,
               content: torch.Tensor,
               eps: torch.Tensor,
               size: Sequence[int],
               alpha: float = 1.0) -> torch.Tensor:
        """Decode content features in the style ``eps``, cropped to ``size``.

        Differentiable with respect to ``eps``; ``content`` is reusable
        across the n search steps of ASM, which keep ``f_c`` fixed.
        """
        if eps.shape != (content.shape[0], self.latent_dim):
            raise ValueError(f'eps must be ({content.shape[0]}, '
                             f'{self.latent_dim}), got {tuple(eps.shape)}')
        return self.render_statistics(content, *self.decode_style(eps), size,
                                      alpha)

    def render_statistics(self,
                          content: torch.Tensor,
                          mean: torch.Tensor,
                          std: torch.Tensor,
                          size: Sequence[int],
                          alpha: float = 1.0) -> torch.Tensor:
        """``D(AdaIN(f_c, mean, std))`` cropped to ``size``: plain AdaIN with
        given statistics at the tap (relu4_1); ``alpha`` < 1 blends in the content's."""
        feat = self.adain(content, mean, std)
        if alpha != 1.0:
            feat = alpha * feat + (1 - alpha) * content
        return self.decoder(feat)[..., :size[0], :size[1]]

    def stylize(self,
                images: torch.Tensor,
                eps: torch.Tensor,
                alpha: float = 1.0) -> torch.Tensor:
        """``D(AdaIN(E(x), D_vae(eps)))`` for a batch of RGB images in [0, 1];
        ``alpha`` < 1 blends the stylized features with the content's."""
        content = self.content_features(images)
        return self.render(content, eps, images.shape[-2:], alpha)

    forward = stylize

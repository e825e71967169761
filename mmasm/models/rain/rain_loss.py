"""The RAIN training objective (Eq. 3 of the ASM paper)."""
from typing import Dict, Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmasm.registry import MODELS
from .adain import style_statistics

#: Added inside the log of the KL term, as in the authors' code.
KL_EPS = 1e-5


def content_loss(output_feat: torch.Tensor,
                 target_feat: torch.Tensor) -> torch.Tensor:
    """L_c: MSE between E(g(t)) at relu4_1 and the AdaIN target t (fixed)."""
    return F.mse_loss(output_feat, target_feat.detach())


def style_loss(output_taps: Sequence[torch.Tensor],
               style_taps: Sequence[torch.Tensor]) -> torch.Tensor:
    """L_s: sum over the style taps of MSE(mean) + MSE(std)."""
    total = 0
    for out, ref in zip(output_taps, style_taps):
        out_mean, out_std = style_statistics(out)
        ref_mean, ref_std = style_statistics(ref)
        total = total + F.mse_loss(out_mean, ref_mean) + F.mse_loss(
            out_std, ref_std)
    return total


def kl_loss(psi: torch.Tensor, xi: torch.Tensor) -> torch.Tensor:
    """L_KL = 0.5 * mean(psi^2 + xi^2 - log(xi^2 + 1e-5) - 1)."""
    return 0.5 * (psi.pow(2) + xi.pow(2) - torch.log(xi.pow(2) + KL_EPS) -
                  1).mean()


def reconstruction_loss(recon: torch.Tensor,
                        true: torch.Tensor) -> torch.Tensor:
    """L_rec: MSE between reconstructed and true style vectors (true fixed)."""
    return F.mse_loss(recon, true.detach())


def pixel_loss(rain: nn.Module, content: torch.Tensor) -> torch.Tensor:
    """MSE between ``D(E(x))`` and ``x``: the decoder inverting the encoder.
    Not in the paper (its decoder learns that from L_c through a pretrained
    VGG); it lets a decoder learn to invert a *random* encoder."""
    return F.mse_loss(rain.decoder(rain.encoder(content)), content)


@MODELS.register_module()
class RAINLoss(nn.Module):
    """``L_c + lambda_s L_s + lambda_k L_KL + lambda_r L_rec`` (Eq. 3).

    Args:
        content_weight, style_weight, kl_weight, rec_weight: the weights of
            the four terms; the paper's lambda_s = 1, lambda_k = 1, lambda_r = 5.
        pixel_weight: weight of :func:`pixel_loss`, an extra term for RAINs
            with a random encoder (the demo); 0, the paper, leaves it out.
    """

    def __init__(self,
                 content_weight: float = 1.0,
                 style_weight: float = 1.0,
                 kl_weight: float = 1.0,
                 rec_weight: float = 5.0,
                 pixel_weight: float = 0.0):
        super().__init__()
        self.content_weight = content_weight
        self.style_weight = style_weight
        self.kl_weight = kl_weight
        self.rec_weight = rec_weight
        self.pixel_weight = pixel_weight

    def forward(
        self,
        rain: nn.Module,
        content: torch.Tensor,
        style: torch.Tensor,
        generator: Optional[torch.Generator] = None
    ) -> Dict[str, torch.Tensor]:
        """Weighted loss terms of one RAIN training step.

        ``content`` and ``style`` are RGB batches in [0, 1] of one size (a
        multiple of 8, as in training crops). Returns ``loss_content``,
        ``loss_style``, ``loss_kl`` and ``loss_rec``, already weighted, so
        their sum is the objective and one backward trains decoder and VAE
        (plus ``loss_pixel`` when ``pixel_weight`` > 0).
        """
        style_taps = rain.encoder.forward_taps(style)
        true_mean, true_std = style_statistics(style_taps[-1])
        psi, xi = rain.style_vae.encode(true_mean, true_std)
        eps = rain.style_vae.sample(psi, xi, generator)
        rec_mean, rec_std = rain.style_vae.decode(eps)

        target = rain.adain(rain.encoder(content), rec_mean, rec_std)
        output_taps = rain.encoder.forward_taps(rain.decoder(target))
        losses = dict(
            loss_content=self.content_weight *
            content_loss(output_taps[-1], target),
            loss_style=self.style_weight * style_loss(output_taps, style_taps),
            loss_kl=self.kl_weight * kl_loss(psi, xi),
            loss_rec=self.rec_weight * reconstruction_loss(
                torch.cat([rec_mean, rec_std], 1),
                torch.cat([true_mean, true_std], 1)))
        if self.pixel_weight > 0:
            losses['loss_pixel'] = self.pixel_weight * pixel_loss(
                rain, content)
        return losses

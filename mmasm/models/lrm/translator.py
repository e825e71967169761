"""The LRM image-to-image translator: encoder, decoder, latent mixing."""
from collections import OrderedDict
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.parametrizations import spectral_norm

from mmasm.registry import MODELS
from .batch_instance_norm import BatchInstanceNorm2d, clamp_bin_gates_

#: Pixel range of the translator's images: RGB floats in [0, 255], the
#: authors' convention (their loss weights are balanced for it).
PIXEL_MAX = 255.0


class ResidualBlock(nn.Module):
    """conv 3x3 - BIN - ReLU - conv 3x3 - BIN, plus the identity (the
    authors' residual block: bias-free convs, no activation after the sum).
    """

    def __init__(self, channels: int, track_running_stats: bool = False):
        super().__init__()
        self.body = nn.Sequential(
            OrderedDict(
                conv1=nn.Conv2d(channels, channels, 3, padding=1, bias=False),
                norm1=BatchInstanceNorm2d(
                    channels, track_running_stats=track_running_stats),
                relu=nn.ReLU(inplace=True),
                conv2=nn.Conv2d(channels, channels, 3, padding=1, bias=False),
                norm2=BatchInstanceNorm2d(
                    channels, track_running_stats=track_running_stats)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


def build_encoder(width: int, latent_channels: int,
                  track_running_stats: bool) -> nn.Sequential:
    """conv 4x4 s2 3->width, BIN, ReLU, 2 residual blocks, conv 3x3
    width->latent, ReLU: an image ``(N, 3, H, W)`` -> its latent
    representation ``(N, latent, H/2, W/2)``."""
    return nn.Sequential(
        OrderedDict(
            conv_in=nn.Conv2d(3, width, 4, stride=2, padding=1),
            norm_in=BatchInstanceNorm2d(
                width, track_running_stats=track_running_stats),
            relu_in=nn.ReLU(inplace=True),
            res1=ResidualBlock(width, track_running_stats),
            res2=ResidualBlock(width, track_running_stats),
            conv_out=nn.Conv2d(width, latent_channels, 3, padding=1),
            relu_out=nn.ReLU(inplace=True)))


def build_decoder(width: int, latent_channels: int,
                  track_running_stats: bool) -> nn.Sequential:
    """Spectral-norm transposed conv 3x3 latent->width, ReLU, 2 residual
    blocks, spectral-norm transposed conv 4x4 s2 width->3; output not
    clamped (no tanh, as the authors)."""
    return nn.Sequential(
        OrderedDict(
            deconv_in=spectral_norm(
                nn.ConvTranspose2d(latent_channels, width, 3, padding=1)),
            relu_in=nn.ReLU(inplace=True),
            res1=ResidualBlock(width, track_running_stats),
            res2=ResidualBlock(width, track_running_stats),
            deconv_out=spectral_norm(
                nn.ConvTranspose2d(width, 3, 4, stride=2, padding=1))))


def even_size(size: Sequence[int]) -> Tuple[int, int]:
    """``(H, W)`` rounded up to even numbers (the encoder halves them)."""
    height, width = size
    return height + height % 2, width + width % 2


@MODELS.register_module()
class LRMTranslator(nn.Module):
    """One-shot image-to-image translation by latent representation mixing.

    ``E`` encodes an image into a ``64 x H/2 x W/2`` latent representation;
    ``D`` decodes it back. Trained to reconstruct both the source images and
    the one-shot target image, the translation of a source image is
    ``D(cat(E(source)[:, :32], E(target)[:, 32:]))``: the first
    ``content_channels`` latent channels come from the source, the rest
    from the target.

    Images are RGB float tensors in ``[0, 255]`` (:data:`PIXEL_MAX`), not
    normalised, as in the authors' code; outputs are not clamped.

    Args:
        width: channels of the encoder/decoder body (32).
        latent_channels: channels of the latent representation (64).
        content_channels: leading latent channels taken from the source
            (32, half).
        track_running_stats: whether the BIN layers keep running batch
            statistics. ``False`` (default): the batch branch uses the
            statistics of the current batch in eval mode too, so translating
            one image at a time computes exactly what training (batch 1)
            optimised, instead of running averages over alternating source,
            target and mixed batches that no loss ever saw.
    """

    def __init__(self,
                 width: int = 32,
                 latent_channels: int = 64,
                 content_channels: int = 32,
                 track_running_stats: bool = False):
        super().__init__()
        if not 0 < content_channels < latent_channels:
            raise ValueError(f'LRMTranslator: content_channels must be in '
                             f'(0, {latent_channels}), got {content_channels}')
        self.content_channels = content_channels
        self.encoder = build_encoder(width, latent_channels,
                                     track_running_stats)
        self.decoder = build_decoder(width, latent_channels,
                                     track_running_stats)

    @staticmethod
    def _check_images(images: torch.Tensor, role: str) -> None:
        if images.dim() != 4 or images.shape[1] != 3:
            raise ValueError(f'LRMTranslator: {role} must be RGB images '
                             f'(N, 3, H, W), got {tuple(images.shape)}')
        if images.shape[-2] % 2 or images.shape[-1] % 2:
            raise ValueError(
                f'LRMTranslator: {role} height and width must be even (the '
                f'encoder halves them), got {tuple(images.shape[-2:])}; '
                f'translate() pads odd sizes')

    def encode(self, images: torch.Tensor) -> torch.Tensor:
        """``E(x)``: ``(N, 3, H, W)`` -> ``(N, 64, H/2, W/2)``."""
        self._check_images(images, 'images')
        return self.encoder(images)

    def decode(self, latents: torch.Tensor) -> torch.Tensor:
        """``D(z)``: ``(N, 64, h, w)`` -> ``(N, 3, 2h, 2w)``."""
        return self.decoder(latents)

    def mix_latents(self, source_latents: torch.Tensor,
                    target_latents: torch.Tensor) -> torch.Tensor:
        """``cat(z_s[:, :32], z_t[:, 32:])``; a single target latent is
        shared by every source."""
        if target_latents.shape[0] == 1:
            target_latents = target_latents.expand(source_latents.shape[0], -1,
                                                   -1, -1)
        if target_latents.shape != source_latents.shape:
            raise ValueError(
                f'LRMTranslator: source latents {tuple(source_latents.shape)}'
                f' and target latents {tuple(target_latents.shape)} differ; '
                f'encode images of the same size (or one target)')
        split = self.content_channels
        return torch.cat(
            [source_latents[:, :split], target_latents[:, split:]], dim=1)

    def forward(
        self, source: torch.Tensor, target: torch.Tensor
    ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The training pass: ``(mixed, reconstructed source,
        reconstructed target)``; source and target of one size."""
        source_latents = self.encode(source)
        target_latents = self.encode(target)
        mixed = self.decode(self.mix_latents(source_latents, target_latents))
        return mixed, self.decode(source_latents), self.decode(target_latents)

    def encode_target(self, target: torch.Tensor,
                      size: Sequence[int]) -> torch.Tensor:
        """Latent of the target image(s) resized (bilinear) to the image
        size ``(H, W)`` of the sources, rounded up to even."""
        self._check_target(target)
        size = even_size(size)
        if tuple(target.shape[-2:]) != size:
            target = F.interpolate(
                target,
                size=size,
                mode='bilinear',
                align_corners=False,
                antialias=True)
        return self.encode(target)

    @staticmethod
    def _check_target(target: torch.Tensor) -> None:
        if target.dim() != 4 or target.shape[1] != 3:
            raise ValueError(f'LRMTranslator: target must be RGB images '
                             f'(N, 3, H, W), got {tuple(target.shape)}')

    def translate(
            self,
            source: torch.Tensor,
            target: Optional[torch.Tensor] = None,
            target_latents: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Translate ``source`` (``(N, 3, H, W)``, RGB in [0, 255]) into
        the domain of ``target`` (one image, or N, any size: it is resized
        to the source size). Odd sizes are padded and the result
        cropped back, so the output has the source's size (odd sides are
        padded by replicating the last row/column).

        ``target_latents`` (from :meth:`encode_target` at this size) skips
        encoding the target again.
        """
        if source.dim() != 4 or source.shape[1] != 3:
            raise ValueError(f'LRMTranslator: source must be RGB images '
                             f'(N, 3, H, W), got {tuple(source.shape)}')
        height, width = source.shape[-2:]
        padded_h, padded_w = even_size((height, width))
        if (padded_h, padded_w) != (height, width):
            source = F.pad(
                source, (0, padded_w - width, 0, padded_h - height),
                mode='replicate')
        if target_latents is None:
            if target is None:
                raise ValueError('LRMTranslator.translate needs target or '
                                 'target_latents')
            target_latents = self.encode_target(target, (height, width))
        mixed = self.mix_latents(self.encode(source), target_latents)
        return self.decode(mixed)[..., :height, :width]

    def clamp_gates_(self) -> None:
        """Project every BIN gate into [0, 1] (call after each optimiser
        step)."""
        clamp_bin_gates_(self)

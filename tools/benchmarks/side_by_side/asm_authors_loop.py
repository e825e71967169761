"""The per-step work of the ASM authors' training loop, around an mmseg segmentor.

Rebuilt from RoyalVane/ASM ``ASM/ASM_train.py`` (``main`` and
``style_transfer``) and ``ASM/model/ASM_G.py`` (the pre-BN conv norms of
the consistency loss), for ``bench_asm_vs_authors.py``. What their code
does at every one of the n search steps:

* ``encoder(content)`` and ``encoder(style)`` under ``no_grad`` (the
  target's relu4_1 statistics and anchor are recomputed every step);
* the style VAE's encoder, the sampling ``psi + noise * xi`` (first step),
  its decoder and the AdaIN decoder, whose weights require gradients (only
  the VGG encoder is frozen), so the backward also fills their ``.grad``;
* ``[stylized, source]`` through the segmentor in train mode (BN with batch
  statistics, frozen affine), the norms of (stylized - source) of every
  block conv's output recorded during the forward, logits upsampled to the
  crop (bilinear, ``align_corners=True``), cross-entropy plus ``2e-4 *
  MSE(layer4 norms, 0)``;
* ``loss.backward(retain_graph=True)``, ``eps <- eps + 20 / loss * grad``,
  an SGD step.

Their focal loss and position-attention module are not rebuilt: mmasm has
neither, and the comparison is at equal segmentor work.
"""
from typing import List, Sequence

import torch
import torch.nn.functional as F

STYLE_CHANNELS = 512


def calc_mean_std(feat: torch.Tensor, eps: float = 1e-5):
    """The authors' per-channel mean and std (unbiased variance + eps)."""
    flat = feat.view(*feat.shape[:2], -1)
    return flat.mean(dim=2), (flat.var(dim=2) + eps).sqrt()


class AuthorsASMLoop:
    """One ASM iteration the authors' way (see the module docstring).

    Args:
        segmentor: an mmseg ``EncoderDecoder`` with a ResNet backbone, in
            train mode.
        rain: an mmasm ``RAIN`` (same architecture as their four nets).
        target_rgb: the one-shot target, RGB [0, 1], at the crop size.
        mean: the segmentor's BGR mean (std 1, as DeepLab-v2).
    """

    def __init__(self,
                 segmentor,
                 rain,
                 target_rgb: torch.Tensor,
                 mean: Sequence[float],
                 lr: float,
                 search_depth: int = 2,
                 step_size: float = 20.0,
                 consistency_weight: float = 2e-4):
        self.segmentor, self.rain, self.target_rgb = segmentor, rain, target_rgb
        rain.encoder.requires_grad_(False)
        rain.decoder.requires_grad_(True)
        rain.style_vae.requires_grad_(True)
        self.mean = torch.tensor(
            mean, device=target_rgb.device).view(1, 3, 1, 1)
        self.search_depth, self.step_size = search_depth, step_size
        self.consistency_weight = consistency_weight
        self.optimizer = torch.optim.SGD(
            [p for p in segmentor.parameters() if p.requires_grad],
            lr=lr,
            momentum=0.9,
            weight_decay=5e-4)
        self.norms: List[torch.Tensor] = []
        self.layer4_norms: List[torch.Tensor] = []
        self._record_block_conv_norms(segmentor.backbone)

    def _record_block_conv_norms(self, backbone) -> None:

        def record(stage_list):

            def hook(module, args, out):
                half = out.shape[0] // 2
                stage_list.append(
                    (out[:half] - out[half:]).norm(p=2, dim=(2, 3)))

            return hook

        backbone.conv1.register_forward_hook(record(self.norms))
        for stage in ('layer1', 'layer2', 'layer3', 'layer4'):
            target = self.layer4_norms if stage == 'layer4' else self.norms
            for block in getattr(backbone, stage):
                for name in ('conv1', 'conv2', 'conv3'):
                    if hasattr(block, name):
                        getattr(block,
                                name).register_forward_hook(record(target))

    def style_transfer(self, content, style, sampling, noise):
        rain = self.rain
        with torch.no_grad():
            content_feat = rain.encoder(content)
            style_feat = rain.encoder(style)
        intermediate = rain.style_vae.encoder(
            torch.cat(calc_mean_std(style_feat), dim=1))
        if sampling is None:
            sampling = (
                intermediate[:, :STYLE_CHANNELS] +
                noise * intermediate[:, STYLE_CHANNELS:])
        recons = rain.style_vae.decoder(sampling)
        mean, std = calc_mean_std(content_feat)
        normalized = (content_feat - mean[..., None, None]) / std[..., None,
                                                                  None]
        feat = (
            normalized * recons[:, STYLE_CHANNELS:, None, None] +
            recons[:, :STYLE_CHANNELS, None, None])
        return rain.decoder(feat), sampling

    def iteration(self, images_s: torch.Tensor, labels_s: torch.Tensor,
                  images_s_rgb: torch.Tensor,
                  noise: torch.Tensor) -> List[float]:
        """n steps on one source batch: ``images_s`` caffe BGR minus the
        mean, ``images_s_rgb`` RGB [0, 1]; returns each step's loss."""
        size = tuple(images_s.shape[-2:])
        target = self.target_rgb.expand(len(images_s), -1, -1, -1)
        sampling, losses = None, []
        for _ in range(self.search_depth):
            self.optimizer.zero_grad()
            stylized, sampling = self.style_transfer(images_s_rgb, target,
                                                     sampling, noise)
            stylized = stylized[:, [2, 1, 0]] * 255.0 - self.mean
            stylized = F.interpolate(
                stylized, size, mode='bilinear', align_corners=True)
            self.norms.clear()
            self.layer4_norms.clear()
            feats = self.segmentor.extract_feat(
                torch.cat([stylized, images_s]))
            pred = self.segmentor.decode_head(feats)
            pred = F.interpolate(
                pred, size, mode='bilinear', align_corners=True)
            loss_1 = F.cross_entropy(
                pred, torch.cat([labels_s, labels_s]), ignore_index=255)
            norms = torch.cat(self.layer4_norms, dim=1)
            loss_2 = F.mse_loss(norms, torch.zeros_like(norms))
            sampling.retain_grad()
            loss = loss_1 + self.consistency_weight * loss_2
            loss.backward(retain_graph=True)
            sampling = sampling + (self.step_size /
                                   loss.item()) * sampling.grad.data
            self.optimizer.step()
            losses.append(loss.item())
        return losses

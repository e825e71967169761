"""LRM's losses: perceptual content and Gram style terms, LSGAN."""
from typing import Dict, List, Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

from mmasm.registry import MODELS
from .vgg_features import VGGFeatures


def gram_matrix(features: torch.Tensor) -> torch.Tensor:
    """``G = F F^T / (C H W)`` of features ``(N, C, H, W)`` -> ``(N, C, C)``
    (the normalisation of Johnson et al. and of the LRM authors)."""
    n, c, h, w = features.shape
    flat = features.reshape(n, c, h * w)
    return flat @ flat.transpose(1, 2) / (c * h * w)


def lsgan_loss(scores: torch.Tensor, real: bool) -> torch.Tensor:
    """Least-squares GAN loss: ``mean((D(x) - 1)^2)`` for ``real``,
    ``mean(D(x)^2)`` otherwise."""
    return F.mse_loss(scores, torch.full_like(scores, float(real)))


@MODELS.register_module()
class LRMPerceptualLoss(nn.Module):
    """LRM's perceptual terms on a frozen VGG (Johnson et al.):

    - content: ``content_weight * MSE(phi_j(mixed), phi_j(source))`` at
      ``content_layer`` (relu2_2);
    - style: ``style_weight * sum_l MSE(G(phi_l(mixed)), G(phi_l(target)))``
      over ``style_layers`` (relu1_2, relu2_2, relu3_3, relu4_3), ``G`` the
      Gram matrix.

    The target's Gram matrices are cached while the same target image comes
    back (the one-shot setting), so the target costs one VGG pass in all.

    Args:
        vgg: arguments of :class:`VGGFeatures` (``arch``, ``checkpoint``,
            ``imagenet_normalize``); the taps are set from the layers here.
        content_layer, style_layers: VGG ReLU outputs used.
        content_weight, style_weight: 1 and 5 in the authors' code.
    """

    def __init__(self,
                 vgg: Optional[dict] = None,
                 content_layer: str = 'relu2_2',
                 style_layers: Sequence[str] = ('relu1_2', 'relu2_2',
                                                'relu3_3', 'relu4_3'),
                 content_weight: float = 1.0,
                 style_weight: float = 5.0):
        super().__init__()
        self.content_layer = content_layer
        self.style_layers = tuple(style_layers)
        taps = sorted(set(self.style_layers) | {content_layer})
        self.vgg = VGGFeatures(taps=taps, **(vgg or {}))
        self.content_weight = content_weight
        self.style_weight = style_weight
        self._target_cache = None

    def target_grams(self, target: torch.Tensor) -> List[torch.Tensor]:
        """Gram matrices of the target at the style layers (no grad)."""
        cached = self._target_cache
        if cached is not None and cached[0].shape == target.shape and \
                cached[0].device == target.device and \
                torch.equal(cached[0], target):
            return cached[1]
        with torch.no_grad():
            features = self.vgg(target, self.style_layers)
            grams = [gram_matrix(features[name]) for name in self.style_layers]
        self._target_cache = (target.detach().clone(), grams)
        return grams

    def _load_from_state_dict(self, *args, **kwargs):
        self._target_cache = None  # new VGG weights, new target features
        super()._load_from_state_dict(*args, **kwargs)

    def forward(self, mixed: torch.Tensor, source: torch.Tensor,
                target: torch.Tensor) -> Dict[str, torch.Tensor]:
        """``dict(loss_content=, loss_style=)`` for translations ``mixed``
        of ``source`` towards the style of ``target`` (one image, or one per
        source); all RGB in [0, 255]."""
        mixed_features = self.vgg(mixed)
        with torch.no_grad():
            source_content = self.vgg(source, [self.content_layer])
        loss_content = F.mse_loss(mixed_features[self.content_layer],
                                  source_content[self.content_layer])
        loss_style = mixed.new_zeros(())
        for name, target_gram in zip(self.style_layers,
                                     self.target_grams(target)):
            gram = gram_matrix(mixed_features[name])
            loss_style = loss_style + F.mse_loss(gram,
                                                 target_gram.expand_as(gram))
        return dict(
            loss_content=self.content_weight * loss_content,
            loss_style=self.style_weight * loss_style)

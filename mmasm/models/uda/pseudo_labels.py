"""DACS' pseudo-labels and their confidence weight."""
from typing import NamedTuple

import torch


class PseudoLabels(NamedTuple):
    """``label`` ``(B, H, W)`` and per-pixel ``weight`` ``(B, H, W)``;
    ``confidence`` is the DACS weight before the row crop."""
    label: torch.Tensor
    weight: torch.Tensor
    confidence: float


@torch.no_grad()
def pseudo_labels(logits: torch.Tensor,
                  threshold: float = 0.968,
                  ignore_top: int = 0,
                  ignore_bottom: int = 0) -> PseudoLabels:
    """Pseudo-labels from teacher logits ``(B, C, H, W)`` (DACS, Tranheden
    et al., WACV 2021; DAFormer's row crop).

    ``label = argmax softmax``; the weight of every pixel is the share of
    the batch's pixels whose max probability is at least ``τ = threshold``
    (one number for the batch, as the authors' code), and 0 on the top
    ``ignore_top`` and bottom ``ignore_bottom`` rows (DAFormer: 15 / 120 of
    a 512 crop, where rectification artefacts and the ego-car lie).
    """
    probs, label = torch.softmax(logits.float(), dim=1).max(dim=1)
    confidence = probs.ge(threshold).float().mean().item()
    weight = torch.full_like(probs, confidence)
    if ignore_top > 0:
        weight[:, :ignore_top] = 0
    if ignore_bottom > 0:
        weight[:, -ignore_bottom:] = 0
    return PseudoLabels(label, weight, confidence)

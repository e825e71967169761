"""ClassMix (Olsson et al., WACV 2021) as DACS uses it (Tranheden et al.,
WACV 2021): half of a source image's classes pasted onto a target image."""
from typing import List, Sequence

import torch


def class_mix_mask(label: torch.Tensor,
                   generator: torch.Generator,
                   ignore_index: int = 255,
                   classes: torch.Tensor = None) -> torch.Tensor:
    """The ``(H, W)`` bool mask of ``ceil(n / 2)`` of the ``n`` classes of
    ``label`` (drawn with ``generator``), ``ignore_index`` excluded; or of
    half of ``classes`` if given (the authors' batch-wide draw)."""
    if classes is None:
        classes = torch.unique(label)
        classes = classes[classes != ignore_index]
    n = len(classes)
    chosen = torch.randperm(
        n, generator=generator)[:(n + 1) // 2].to(classes.device)
    return torch.isin(label, classes[chosen])


def class_mix_masks(labels: torch.Tensor,
                    generators: Sequence[torch.Generator],
                    ignore_index: int = 255,
                    mode: str = 'image') -> torch.Tensor:
    """One mask per ``(B, H, W)`` source label.

    ``mode='image'`` (the papers): the classes of each source label,
    ``ignore_index`` excluded. ``mode='authors'`` (DAFormer's and MIC's
    code): drawn from the classes of the whole source batch, the ignore index
    included, so ignored source pixels may be pasted (label
    ``ignore_index``); DACS' own code draws per image, ignore included.
    """
    if mode not in ('image', 'authors'):
        raise ValueError(
            f"class mix mode must be 'image' or 'authors', got {mode!r}")
    batch_classes = torch.unique(labels) if mode == 'authors' else None
    masks: List[torch.Tensor] = [
        class_mix_mask(label, gen, ignore_index, batch_classes)
        for label, gen in zip(labels, generators)
    ]
    return torch.stack(masks)


def mix(mask: torch.Tensor, source: torch.Tensor,
        target: torch.Tensor) -> torch.Tensor:
    """``source`` where ``mask`` (``(B, H, W)``), ``target`` elsewhere; images
    ``(B, C, H, W)`` and maps ``(B, H, W)`` alike."""
    if source.dim() == mask.dim() + 1:
        mask = mask.unsqueeze(1)
    return torch.where(mask, source, target)

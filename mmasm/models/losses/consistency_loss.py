"""The consistency loss of ASM (Eq. 7) and the authors' variant of it.

Images that share one source content (a stylized image and its original,
or several stylizations of one image) carry the same ``content_id`` in
their metainfo; every other image is a group of its own.
"""
from contextlib import contextmanager
from typing import Dict, Hashable, Iterator, List, Sequence

import torch
import torch.nn as nn

CONTENT_KEY = 'content_id'


def content_groups(data_samples: Sequence,
                   key: str = CONTENT_KEY) -> List[List[int]]:
    """Batch indices of the images sharing a content id, for every content
    shown by two or more images (singletons never contribute)."""
    groups: Dict[Hashable, List[int]] = {}
    for index, sample in enumerate(data_samples):
        content = sample.metainfo.get(key)
        groups.setdefault(('own', index) if content is None else
                          ('content', content), []).append(index)
    return [members for members in groups.values() if len(members) > 1]


def paper_consistency(features: torch.Tensor,
                      groups: List[List[int]]) -> torch.Tensor:
    """Eq. 7: the mean over the grouped images of ``||z - z_bar||_2``.

    ``z`` is an image's whole ``(C, H, W)`` feature map, flattened: the
    images of a group show the same scene pixel for pixel, so their features
    should agree at every position, not just on average. ``z_bar`` is the
    mean over the image's group. The mean runs over the images of groups
    with 2+ members, which is the paper's batch mean when every image has
    a partner, as in ASM's batches.
    """
    z = features.flatten(1)
    distances = [
        torch.linalg.vector_norm(z[g] - z[g].mean(0, keepdim=True), dim=1)
        for g in groups
    ]
    return torch.cat(distances).mean()


def authors_consistency(conv_outputs: Sequence[torch.Tensor],
                        groups: List[List[int]]) -> torch.Tensor:
    """The authors' code: ``MSE(n, 0)`` where ``n`` holds, for every channel
    of every recorded (pre-BN) conv output, the L2 norm over ``(H, W)`` of
    stylized minus original; i.e. the mean squared per-channel norm.

    Defined for pairs only, as in the authors' [stylized, original] batches;
    the mean also runs over the pairs of the batch.
    """
    if any(len(g) != 2 for g in groups):
        sizes = sorted({len(g) for g in groups})
        raise ValueError(
            f"consistency_mode='authors' compares (stylized, original) "
            f'pairs, got content groups of sizes {sizes}; use '
            f"consistency_mode='paper' for larger groups")
    first = [g[0] for g in groups]
    second = [g[1] for g in groups]
    squared_norms = [(out[first] - out[second]).pow(2).sum((2, 3))
                     for out in conv_outputs]
    return torch.cat(squared_norms, dim=1).mean()


def stage_convs(backbone: nn.Module, stage: str = 'layer4') -> List[nn.Module]:
    """The convs of every residual block of a ResNet stage (``conv1..3`` of
    mmseg's Bottleneck, ``conv1..2`` of BasicBlock; no shortcut convs)."""
    blocks = getattr(backbone, stage, None)
    if not isinstance(blocks, nn.Sequential):
        raise TypeError(
            f"consistency_mode='authors' needs a ResNet-style backbone with "
            f"a '{stage}' stage of residual blocks; {type(backbone).__name__} "
            f'has none')
    if getattr(backbone, 'with_cp', False):
        raise ValueError("consistency_mode='authors' records conv outputs "
                         'during the forward pass, which with_cp=True runs '
                         'without gradients; set with_cp=False')
    convs = [
        getattr(block, name) for block in blocks
        for name in ('conv1', 'conv2', 'conv3') if hasattr(block, name)
    ]
    if not convs:
        raise TypeError(f'the blocks of {type(backbone).__name__}.{stage} '
                        f'have no conv1/conv2/conv3 layers')
    return convs


@contextmanager
def capture_outputs(
        modules: Sequence[nn.Module]) -> Iterator[List[torch.Tensor]]:
    """Record the output of each module, in call order, while the block
    runs."""
    outputs: List[torch.Tensor] = []
    handles = [
        m.register_forward_hook(
            lambda module, args, output: outputs.append(output))
        for m in modules
    ]
    try:
        yield outputs
    finally:
        for handle in handles:
            handle.remove()

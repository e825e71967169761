"""The feature a decode head hands to its classifier ("second-last layer").

mmseg's decode heads end with ``cls_seg(feat)`` (dropout + ``conv_seg``),
but only some (FCN, ASPP, PSP, UPer heads) expose the ``feat`` through a
``_forward_feature`` method, and subclasses may override ``forward``
without it (``DepthwiseSeparableASPPHead`` inherits ASPPHead's
``_forward_feature`` but adds a decoder after it). What every
:class:`BaseDecodeHead` subclass does share is the call to ``self.cls_seg``,
so mmasm records the argument of that call during the head's own forward:
no second forward pass, no per-head code, and the feature is taken before
the classifier's dropout.
"""
from contextlib import contextmanager
from typing import Iterator, List, Tuple

import torch
import torch.nn as nn


class ClassifierInput:
    """What :func:`capture_classifier_input` recorded during one forward."""

    def __init__(self, head: nn.Module):
        self.head = head
        self.calls: List[torch.Tensor] = []

    @property
    def feature(self) -> torch.Tensor:
        """The ``(N, C, H, W)`` feature passed to ``cls_seg``."""
        name = type(self.head).__name__
        if not self.calls:
            raise RuntimeError(
                f'{name}.forward never called self.cls_seg, so mmasm cannot '
                f'tell which feature feeds its classifier; make forward end '
                f'with self.cls_seg(feature)')
        if len(self.calls) > 1:
            raise RuntimeError(
                f'{name}.forward called self.cls_seg {len(self.calls)} times; '
                f'the feature before the classifier is ambiguous')
        return self.calls[0]


@contextmanager
def capture_classifier_input(head: nn.Module) -> Iterator[ClassifierInput]:
    """Record the input of ``head.cls_seg`` while the block runs.

    Example::

        with capture_classifier_input(model.decode_head) as captured:
            losses = model.decode_head.loss(x, data_samples, train_cfg)
        z = captured.feature
    """
    if not callable(getattr(head, 'cls_seg', None)):
        raise TypeError(f'{type(head).__name__} has no cls_seg method; '
                        f'expected an mmseg BaseDecodeHead')
    captured = ClassifierInput(head)
    classify = head.cls_seg
    shadowed = head.__dict__.get('cls_seg')  # an enclosing capture's wrapper

    def recording_cls_seg(feat):
        captured.calls.append(feat)
        return classify(feat)

    # an instance attribute shadows the method for this head only
    head.cls_seg = recording_cls_seg
    try:
        yield captured
    finally:
        if shadowed is None:
            del head.cls_seg
        else:
            head.cls_seg = shadowed


def forward_with_features(head: nn.Module,
                          inputs) -> Tuple[torch.Tensor, torch.Tensor]:
    """``head(inputs)`` plus the feature of the layer before the classifier.

    Returns:
        ``(seg_logits, feature)`` from one forward pass.
    """
    with capture_classifier_input(head) as captured:
        seg_logits = head(inputs)
    return seg_logits, captured.feature

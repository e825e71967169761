"""HRDA's pseudo-label margins ("pseudo-label cropping v2", lhoyer/HRDA's
``crop_pseudo_margins``)."""
from typing import Sequence

import numpy as np
from mmcv.transforms import BaseTransform

from mmasm.registry import TRANSFORMS


@TRANSFORMS.register_module()
class PseudoLabelMargins(BaseTransform):
    """Add ``valid_pseudo_mask``: 1 inside the loaded image, 0 on its
    ``(top, bottom, left, right)`` margins (HRDA: ``(30, 240, 30, 30)`` of a
    1024x2048 Cityscapes image, where rectification artefacts and the ego
    car lie). Place it right after ``LoadImageFromFile``: the mask is a
    segmentation field, so mmseg's ``Resize``, ``RandomCrop`` and
    ``RandomFlip`` move it with the image, and a crop away from the border
    keeps its pseudo-labels. Add ``'valid_pseudo_mask'`` to
    ``PackSegInputs``' ``meta_keys``; self-training multiplies its
    pseudo-label weights by the mask.
    """

    def __init__(self, margins: Sequence[int] = (30, 240, 30, 30)):
        if len(margins) != 4 or any(int(m) < 0 for m in margins):
            raise ValueError('PseudoLabelMargins: margins must be four '
                             'non-negative (top, bottom, left, right) '
                             f'pixel counts, got {margins}')
        self.margins = tuple(int(m) for m in margins)

    def transform(self, results: dict) -> dict:
        height, width = results['img'].shape[:2]
        top, bottom, left, right = self.margins
        mask = np.zeros((height, width), dtype=np.uint8)
        mask[top:height - bottom, left:width - right] = 1
        results['valid_pseudo_mask'] = mask
        results.setdefault('seg_fields', []).append('valid_pseudo_mask')
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(margins={self.margins})'

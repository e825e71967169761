"""Rare-class sampling (RCS) of DAFormer (Hoyer et al., CVPR 2022, Eq. 6)."""
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.logging import print_log


class RareClassSampling:
    """Draw a class ``c`` with ``P(c) = exp((1 - f_c) / T) / sum_c' exp((1 - f_c') / T)``,
    ``f_c`` the share of class ``c`` among all labelled source pixels, then a
    source image uniformly among those with more than ``min_pixels`` pixels of
    ``c`` (the authors' code; the paper only says "containing c").

    As the authors' code: classes are held rarest first (a seeded draw
    picks what theirs picks), classes with no pixel at all are not drawn, ``f_c``
    is normalised over the classes present. A present class without any image
    above ``min_pixels`` cannot be drawn either: it is dropped (with a
    warning) and ``P`` renormalised over the rest (the authors assert).

    Args:
        class_counts: ``{class: pixels}`` per source image (index order).
        class_temp: the temperature ``T`` (0.01 in DAFormer).
        min_pixels: pixels of ``c`` an image needs to be drawn for ``c``
            (3000 in DAFormer, at the label files' resolution).
        num_classes: classes at or above it are ignored (not trained).
    """

    def __init__(self,
                 class_counts: Sequence[Dict[int, int]],
                 class_temp: float = 0.01,
                 min_pixels: int = 3000,
                 num_classes: Optional[int] = None):
        if class_temp <= 0:
            raise ValueError(
                f'rare-class sampling: class_temp (T) must be > 0, got {class_temp}'
            )
        self.class_temp, self.min_pixels = class_temp, min_pixels
        totals = self._totals(class_counts, num_classes)
        if not totals:
            raise ValueError(
                'rare-class sampling: the source labels contain no class pixels'
            )
        # the authors' order (rarest first), so that a seeded draw picks
        # the class and the image theirs picks
        classes = sorted(totals, key=totals.get)
        freq = np.array([totals[c] for c in classes], dtype=np.float64)
        freq /= freq.sum()
        logits = (1.0 - freq) / class_temp
        probs = np.exp(logits - logits.max())
        self.images_with_class = {
            c: [
                i for i, counts in enumerate(class_counts)
                if counts.get(c, 0) > min_pixels
            ]
            for c in classes
        }
        keep = [k for k, c in enumerate(classes) if self.images_with_class[c]]
        dropped = [c for c in classes if not self.images_with_class[c]]
        if not keep:
            raise ValueError(
                f'rare-class sampling: no source image has more than '
                f'min_pixels={min_pixels} pixels of any class; lower min_pixels'
            )
        if dropped:
            print_log(
                f'rare-class sampling: classes {dropped} never cover more than '
                f'min_pixels={min_pixels} pixels of an image and are not sampled',
                logger='current')
        self.classes = [classes[k] for k in keep]
        self.class_freq = freq[keep]
        self.class_probs = probs[keep] / probs[keep].sum()

    @staticmethod
    def _totals(class_counts, num_classes) -> Dict[int, int]:
        totals: Dict[int, int] = {}
        for counts in class_counts:
            for c, n in counts.items():
                if n > 0 and (num_classes is None or c < num_classes):
                    totals[c] = totals.get(c, 0) + n
        return totals

    def probabilities(self) -> Dict[int, float]:
        """``{class: P(c)}``."""
        return dict(zip(self.classes, self.class_probs.tolist()))

    def sample(self, rng=np.random) -> Tuple[int, int]:
        """``(class, image index)`` drawn with ``rng`` (a NumPy generator or
        the ``np.random`` module)."""
        c = self.classes[_choice(rng, len(self.classes), self.class_probs)]
        images: List[int] = self.images_with_class[c]
        return c, images[_choice(rng, len(images))]


def _choice(rng, n: int, p=None) -> int:
    return int(rng.choice(n, p=p))

"""The digits demo's source domain: scikit-learn's handwritten digit scans.

``sklearn.datasets.load_digits`` bundles 1797 8x8 scans (16 grey levels) of
digits written by 43 people (UCI "optdigits"), shipped inside the package:
a real handwritten source domain that needs no download. They are
upsampled to the demo's 32x32 as white strokes on black, like MNIST.
"""
from typing import Tuple

import cv2
import numpy as np

#: side of every digits-demo image (source, target and style)
DIGIT_SIZE = 32


def load_source_digits(
        size: int = DIGIT_SIZE) -> Tuple[np.ndarray, np.ndarray]:
    """``(images, labels)``: ``(N, size, size, 3)`` uint8 RGB and ``(N,)``
    int64 digits 0-9, in scikit-learn's order."""
    from sklearn.datasets import load_digits
    digits = load_digits()
    scans = (digits.images * (255.0 / 16.0)).astype(np.float32)
    # 8x8 scans fill their box: add a one-pixel margin (as MNIST's 20-in-28)
    scans = np.pad(scans, ((0, 0), (1, 1), (1, 1)))
    images = np.stack([
        cv2.resize(scan, (size, size), interpolation=cv2.INTER_CUBIC)
        for scan in scans
    ])
    images = np.clip(images, 0, 255).round().astype(np.uint8)
    return np.repeat(
        images[..., None], 3, axis=3), digits.target.astype(np.int64)

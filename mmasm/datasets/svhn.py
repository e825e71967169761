"""SVHN cropped digits in the MATLAB files ``train_32x32.mat`` / ``test_32x32.mat``."""
from typing import Tuple

import numpy as np

from mmasm.registry import DATASETS
from .digit_arrays import DigitArrayDataset


def read_svhn_mat(path: str) -> Tuple[np.ndarray, np.ndarray]:
    """``(images, labels)`` of an SVHN cropped-digits file: ``X`` of shape
    ``(32, 32, 3, N)`` (RGB uint8) and ``y`` of shape ``(N, 1)`` with 1-10,
    where 10 is the digit 0."""
    from scipy.io import loadmat
    try:
        mat = loadmat(path)
    except (ValueError, TypeError, OSError) as error:
        raise ValueError(f'{path}: not a MATLAB file ({error})') from None
    if 'X' not in mat or 'y' not in mat or mat['X'].ndim != 4 or mat[
            'X'].shape[2] != 3:
        raise ValueError(
            f'{path}: expected SVHN cropped digits, X of shape (32, 32, 3, N) '
            f'and y of shape (N, 1); found keys {sorted(k for k in mat if k[0] != "_")}'
        )
    labels = mat['y'].reshape(-1).astype(np.int64) % 10
    return np.ascontiguousarray(mat['X'].transpose(3, 0, 1,
                                                   2)).astype(np.uint8), labels


@DATASETS.register_module()
class SVHNDataset(DigitArrayDataset):
    """SVHN cropped digits (73257 train / 26032 test, 32x32 RGB) from
    ``data_root/train_32x32.mat`` and ``test_32x32.mat``; label 10 -> 0.
    mmpretrain has no SVHN dataset."""

    FILES = dict(train='train_32x32.mat', test='test_32x32.mat')

    def read_split(self, path: str) -> Tuple[np.ndarray, np.ndarray]:
        return read_svhn_mat(path)

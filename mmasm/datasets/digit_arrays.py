"""Base of the digit datasets read from array files (USPS, SVHN)."""
import os.path as osp
from abc import ABCMeta, abstractmethod
from typing import List, Tuple

import numpy as np
from mmengine.dataset import BaseDataset

#: class names of the digit datasets: the digits themselves, as the class
#: folders of mmpretrain's ``CustomDataset`` (the digits demo) are named
DIGIT_CLASSES = tuple(str(d) for d in range(10))


def gray_to_bgr(images: np.ndarray) -> np.ndarray:
    """``(N, H, W)`` grey or ``(N, H, W, 3)`` images -> ``(N, H, W, 3)``."""
    return np.repeat(
        images[..., None], 3, axis=3) if images.ndim == 3 else images


class DigitArrayDataset(BaseDataset, metaclass=ABCMeta):
    """Digits held in memory as ``img`` (BGR ``uint8`` ``(H, W, 3)``, the
    convention of mmcv's ``LoadImageFromFile``: pipelines start after
    loading) and ``gt_label`` (0-9), as mmpretrain's ``MNIST`` does.

    Subclasses name their files per split (``FILES``) and read them
    (:meth:`read_split`). Grey datasets are repeated to 3 channels.

    Args:
        data_root: folder with the dataset's files.
        split: ``'train'`` or ``'test'``.
    """

    METAINFO = dict(classes=DIGIT_CLASSES)
    FILES: dict = {}

    def __init__(self, data_root: str, split: str = 'train', **kwargs):
        if split not in self.FILES:
            raise ValueError(f'{type(self).__name__}: split must be one of '
                             f'{tuple(self.FILES)}, got {split!r}')
        self.split = split
        super().__init__(data_root=data_root, **kwargs)

    @property
    def split_file(self) -> str:
        return osp.join(self.data_root, self.FILES[self.split])

    @abstractmethod
    def read_split(self, path: str) -> Tuple[np.ndarray, np.ndarray]:
        """``(images, labels)``: uint8 ``(N, H, W[, 3])`` RGB/grey, int 0-9."""

    def load_data_list(self) -> List[dict]:
        path = self.split_file
        if not osp.isfile(path):
            raise FileNotFoundError(
                f'{type(self).__name__}: {self.split} split file '
                f'{path} not found (data_root={self.data_root!r})')
        images, labels = self.read_split(path)
        bad = (labels < 0) | (labels > 9)
        if bad.any():
            raise ValueError(
                f'{path}: labels must be digits 0-9, found {labels[bad][0]}')
        bgr = gray_to_bgr(images)[..., ::-1]
        return [
            dict(img=np.ascontiguousarray(img), gt_label=int(label))
            for img, label in zip(bgr, labels)
        ]

"""USPS handwritten digits in the LIBSVM files ``usps.bz2`` / ``usps.t.bz2``."""
import bz2
from typing import Tuple

import numpy as np

from mmasm.registry import DATASETS
from .digit_arrays import DigitArrayDataset

USPS_SIZE = 16


def read_usps_libsvm(path: str) -> Tuple[np.ndarray, np.ndarray]:
    """``(images, labels)`` of a bz2-compressed LIBSVM USPS file: one line
    per digit, ``label index:value ...`` with labels 1-10 (digit + 1) and
    256 pixel values in [-1, 1] (indices from 1, missing ones are 0)."""
    images, labels = [], []
    with bz2.open(path, 'rt') as file:
        for number, line in enumerate(file, 1):
            fields = line.split()
            if not fields:
                continue
            try:
                pixels = np.zeros(USPS_SIZE * USPS_SIZE, np.float32)
                for field in fields[1:]:
                    index, value = field.split(':')
                    pixels[int(index) - 1] = float(value)
                labels.append(int(float(fields[0])) - 1)
            except (ValueError, IndexError) as error:
                raise ValueError(
                    f'{path}, line {number}: not a LIBSVM USPS line '
                    f'("label index:value ...", 256 pixels): {error}'
                ) from None
            images.append(pixels)
    if not images:
        raise ValueError(f'{path}: no digits in the file')
    grey = (np.stack(images).reshape(-1, USPS_SIZE, USPS_SIZE) + 1) * 127.5
    return np.clip(grey, 0, 255).round().astype(np.uint8), np.array(labels)


@DATASETS.register_module()
class USPSDataset(DigitArrayDataset):
    """USPS (7291 train / 2007 test 16x16 grey digits) from the LIBSVM
    files ``data_root/usps.bz2`` (train) and ``usps.t.bz2`` (test), as
    torchvision's ``USPS`` reads them; repeated to 3 channels.
    mmpretrain has no USPS dataset."""

    FILES = dict(train='usps.bz2', test='usps.t.bz2')

    def read_split(self, path: str) -> Tuple[np.ndarray, np.ndarray]:
        return read_usps_libsvm(path)

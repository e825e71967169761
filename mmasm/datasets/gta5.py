"""GTA5 (Richter et al., ECCV 2016) in mmseg's dataset style."""
import os.path as osp
from typing import Callable, List, Optional, Tuple

import cv2
import numpy as np
from mmengine.utils import (mkdir_or_exist, scandir, track_parallel_progress,
                            track_progress)
from mmseg.datasets import BaseSegDataset, CityscapesDataset
from PIL import Image

from mmasm.registry import DATASETS

#: Cityscapes label id -> train id (19 classes); every other id -> 255.
CITYSCAPES_ID_TO_TRAIN_ID = {
    7: 0,
    8: 1,
    11: 2,
    12: 3,
    13: 4,
    17: 5,
    19: 6,
    20: 7,
    21: 8,
    22: 9,
    23: 10,
    24: 11,
    25: 12,
    26: 13,
    27: 14,
    28: 15,
    31: 16,
    32: 17,
    33: 18
}
TRAIN_ID_SUFFIX = '_labelTrainIds.png'


def id_lookup_table(id_to_train_id: dict, size: int) -> np.ndarray:
    """A ``uint8`` table mapping every id below ``size`` to its train id,
    255 (ignore) for ids not in ``id_to_train_id``."""
    table = np.full(size, 255, dtype=np.uint8)
    table[list(id_to_train_id)] = list(id_to_train_id.values())
    return table


def gta5_label_to_train_ids(path: str) -> np.ndarray:
    """Read a GTA5 label (palette or grey PNG of Cityscapes label ids) as an
    ``(H, W)`` ``uint8`` map of Cityscapes train ids."""
    # PIL returns the palette indices of mode 'P' PNGs (cv2 would convert
    # them to colours)
    with Image.open(path) as image:
        label = np.asarray(image)
    if label.ndim != 2 or label.dtype != np.uint8:
        raise ValueError(f'{path}: expected a single-channel 8-bit GTA5 label '
                         f'of Cityscapes label ids, got shape {label.shape} '
                         f'dtype {label.dtype}')
    return id_lookup_table(CITYSCAPES_ID_TO_TRAIN_ID, 256)[label]


def write_train_ids(job: Tuple[Callable[[str], np.ndarray], str, str]) -> str:
    """Convert one label file: ``(to_train_ids, src, dst)`` -> ``dst``."""
    to_train_ids, src, dst = job
    mkdir_or_exist(osp.dirname(dst) or '.')
    if not cv2.imwrite(dst, to_train_ids(src)):
        raise OSError(f'cannot write {dst}')
    return dst


def convert_label_dir(label_dir: str,
                      to_train_ids: Callable[[str], np.ndarray],
                      out_dir: Optional[str] = None,
                      nproc: int = 1) -> List[str]:
    """Write ``X_labelTrainIds.png`` for every ``X.png`` under ``label_dir``
    (recursively, into ``out_dir`` if given, else beside it)."""
    if not osp.isdir(label_dir):
        raise FileNotFoundError(f'label folder {label_dir} does not exist')
    out_dir = out_dir or label_dir
    jobs = [(to_train_ids, osp.join(label_dir, name),
             osp.join(out_dir, name[:-len('.png')] + TRAIN_ID_SUFFIX))
            for name in sorted(scandir(label_dir, '.png', recursive=True))
            if not name.endswith(TRAIN_ID_SUFFIX)]
    if not jobs:
        raise FileNotFoundError(f'no .png labels under {label_dir}')
    if nproc > 1:
        return track_parallel_progress(write_train_ids, jobs, nproc)
    return track_progress(write_train_ids, jobs)


def check_seg_maps(data_list: List[dict], converter: str) -> None:
    """Raise if label files are missing, pointing at the converter."""
    missing = [
        d['seg_map_path'] for d in data_list
        if 'seg_map_path' in d and not osp.isfile(d['seg_map_path'])
    ]
    if missing:
        raise FileNotFoundError(
            f'{len(missing)} of {len(data_list)} label files are missing, '
            f'e.g. {missing[0]}; write the train-id labels with '
            f'`python {converter} DATA_ROOT`')


@DATASETS.register_module()
class GTA5Dataset(BaseSegDataset):
    """GTA5: ``images/*.png`` and ``labels/*.png`` (Cityscapes label ids).

    Reads the ``labels/*_labelTrainIds.png`` files (Cityscapes train ids,
    19 classes, 255 ignore) that ``tools/convert_datasets/gta5.py`` writes,
    as mmseg 0.x did; classes and palette are Cityscapes'.
    """
    METAINFO = CityscapesDataset.METAINFO

    def __init__(self,
                 img_suffix='.png',
                 seg_map_suffix=TRAIN_ID_SUFFIX,
                 **kwargs) -> None:
        super().__init__(
            img_suffix=img_suffix, seg_map_suffix=seg_map_suffix, **kwargs)

    def load_data_list(self) -> List[dict]:
        data_list = super().load_data_list()
        check_seg_maps(data_list, 'tools/convert_datasets/gta5.py')
        return data_list

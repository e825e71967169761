"""SYNTHIA-RAND-CITYSCAPES (Ros et al., CVPR 2016) in mmseg's dataset style.
"""
from typing import List

import cv2
import numpy as np
from mmseg.datasets import BaseSegDataset, CityscapesDataset

from mmasm.registry import DATASETS
from .gta5 import TRAIN_ID_SUFFIX, check_seg_maps, id_lookup_table

#: SYNTHIA class id -> Cityscapes train id for the 16 shared classes
#: (SYNTHIA's README; as AdaptSegNet, ASM and DAFormer map them). SYNTHIA's
#: terrain (16), truck (18) and train (20) do not occur in RAND-CITYSCAPES;
#: they and void, parking-slot, road-work, lane-marking -> 255.
SYNTHIA_ID_TO_TRAIN_ID = {
    3: 0,
    4: 1,
    2: 2,
    21: 3,
    5: 4,
    7: 5,
    15: 6,
    9: 7,
    6: 8,
    1: 10,
    10: 11,
    17: 12,
    8: 13,
    19: 15,
    12: 17,
    11: 18
}

_CITYSCAPES_CLASSES = CityscapesDataset.METAINFO['classes']
#: the 16 evaluated classes: Cityscapes' minus terrain, truck, train
SYNTHIA_CLASSES_16 = tuple(
    c for c in _CITYSCAPES_CLASSES if c not in ('terrain', 'truck', 'train'))
#: the 13-class protocol (ASM's 44.1 mIoU): also without wall, fence, pole
SYNTHIA_CLASSES_13 = tuple(
    c for c in SYNTHIA_CLASSES_16 if c not in ('wall', 'fence', 'pole'))


def synthia_label_to_train_ids(path: str) -> np.ndarray:
    """Read a SYNTHIA ``GT/LABELS`` PNG (16-bit, class id in the first
    channel, instance id in the second) as ``(H, W)`` ``uint8`` train ids."""
    label = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if label is None:
        raise FileNotFoundError(f'{path}: cannot read the SYNTHIA label')
    if label.ndim == 3:
        if label.shape[2] < 3:
            raise ValueError(f'{path}: expected a 3-channel SYNTHIA label, '
                             f'got shape {label.shape}')
        label = label[:, :, 2]  # cv2 reads BGR: the file's first channel
    return id_lookup_table(SYNTHIA_ID_TO_TRAIN_ID, 65536)[label]


@DATASETS.register_module()
class SYNTHIADataset(BaseSegDataset):
    """SYNTHIA-RAND-CITYSCAPES: ``RGB/*.png`` and ``GT/LABELS/*.png``.

    Reads the ``GT/LABELS/*_labelTrainIds.png`` files (Cityscapes train ids,
    255 ignore) that ``tools/convert_datasets/synthia.py`` writes. Labels
    live in Cityscapes' 19-class id space (so one model evaluates on
    Cityscapes directly), of which SYNTHIA has 16; report the 16- and
    13-class mIoU with ``ClassSubsetIoUMetric`` and
    ``SYNTHIA_CLASSES_16`` / ``SYNTHIA_CLASSES_13``.
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
        check_seg_maps(data_list, 'tools/convert_datasets/synthia.py')
        return data_list

"""The Cityscapes classes the demo scenes contain, by train id."""
import numpy as np
from mmseg.datasets import CityscapesDataset

from mmasm.datasets.gta5 import CITYSCAPES_ID_TO_TRAIN_ID

ROAD = 0
SIDEWALK = 1
BUILDING = 2
WALL = 3
FENCE = 4
POLE = 5
TRAFFIC_LIGHT = 6
TRAFFIC_SIGN = 7
VEGETATION = 8
TERRAIN = 9
SKY = 10
PERSON = 11
CAR = 13

#: Train ids the generator draws (13 of Cityscapes' 19 classes).
DEMO_TRAIN_IDS = (ROAD, SIDEWALK, BUILDING, WALL, FENCE, POLE, TRAFFIC_LIGHT,
                  TRAFFIC_SIGN, VEGETATION, TERRAIN, SKY, PERSON, CAR)
CITYSCAPES_CLASSES = CityscapesDataset.METAINFO['classes']
CITYSCAPES_PALETTE = np.array(
    CityscapesDataset.METAINFO['palette'], dtype=np.uint8)
IGNORE_INDEX = 255
UNLABELED_LABEL_ID = 0


def train_id_to_label_id_table() -> np.ndarray:
    """A 256-entry ``uint8`` table: Cityscapes train id -> label id (the
    inverse of the GTA5 converter's table; 255 and unused ids ->
    'unlabeled', label id 0)."""
    table = np.full(256, UNLABELED_LABEL_ID, dtype=np.uint8)
    for label_id, train_id in CITYSCAPES_ID_TO_TRAIN_ID.items():
        table[train_id] = label_id
    return table


def colorize(train_ids: np.ndarray) -> np.ndarray:
    """``(H, W)`` train ids -> ``(H, W, 3)`` RGB in the Cityscapes palette
    (ignore = black)."""
    palette = np.zeros((256, 3), dtype=np.uint8)
    palette[:len(CITYSCAPES_PALETTE)] = CITYSCAPES_PALETTE
    return palette[train_ids]

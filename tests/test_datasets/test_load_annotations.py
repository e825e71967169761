"""A label map of another size than its image is an error naming both files
(mmasm's ``LoadAnnotations``, what ``LoadAnnotations`` means in mmasm's
scope)."""
import cv2
import pytest
from mmengine.registry import TRANSFORMS
from mmseg.datasets import CityscapesDataset
from utils import write_cityscapes

from mmasm.datasets.transforms import CheckedLoadAnnotations

PIPELINE = [dict(type='LoadImageFromFile'), dict(type='LoadAnnotations')]


def test_mismatched_label_map_is_named(tmp_path):
    stems = write_cityscapes(tmp_path, 'train', num_images=2, size=(32, 64))
    assert isinstance(TRANSFORMS.build(PIPELINE[1]), CheckedLoadAnnotations)
    dataset = CityscapesDataset(
        data_root=str(tmp_path),
        pipeline=PIPELINE,
        data_prefix=dict(
            img_path='leftImg8bit/train', seg_map_path='gtFine/train'))
    assert dataset[0]['gt_seg_map'].shape == (32, 64)
    label = tmp_path / 'gtFine' / 'train' / 'aachen' / f'{stems[1]}_gtFine_labelTrainIds.png'
    cv2.imwrite(
        str(label),
        cv2.imread(str(label), cv2.IMREAD_UNCHANGED)[:, :48])
    with pytest.raises(
            ValueError,
            match=rf'label map .*{stems[1]}_gtFine_labelTrainIds.png '
            rf'is 48x32 pixels but its image .*{stems[1]}_leftImg8bit.png is 64x32'
    ):
        dataset[1]

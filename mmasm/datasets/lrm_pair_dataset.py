"""Source images paired with the one-shot target image (LRM training)."""
import os
import os.path as osp
from typing import Sequence, Union

import cv2
import mmcv
from mmengine.dataset import Compose

from mmasm.registry import DATASETS
from .content_style_dataset import ContentStyleDataset


def check_image_file(path: Union[str, os.PathLike], role: str) -> str:
    """``path`` if it is a readable image file, else a clear error."""
    path = os.fspath(path) if isinstance(path, (str, os.PathLike)) else path
    if not isinstance(path, str) or not path:
        raise TypeError(f'{role} must be an image file path, got {path!r}')
    if not osp.isfile(path):
        raise FileNotFoundError(f'{role} image not found: {path!r}')
    img = mmcv.imread(path, flag=cv2.IMREAD_COLOR, backend='cv2')
    if img is None:
        raise ValueError(f'{role} {path!r} cannot be read as an image '
                         f'(expected a PNG, JPEG, TIFF, BMP or WebP file)')
    return path


class OneImageDataset:
    """A dataset of one image file, passed through ``pipeline``."""

    def __init__(self, img_path: str, pipeline: Sequence[dict] = ()):
        self.img_path = img_path
        self.pipeline = Compose(list(pipeline))

    def __len__(self) -> int:
        return 1

    def __getitem__(self, idx: int) -> dict:
        return self.pipeline(dict(img_path=self.img_path, sample_idx=0))


@DATASETS.register_module()
class LRMPairDataset(ContentStyleDataset):
    """Every source image paired with the same one-shot target image: the
    training data of LRM (source images + ONE target image).

    Samples are ``dict(content=SOURCE_RESULTS, style=TARGET_RESULTS)``
    through ``pipeline`` (typically ``PackContentStyleInputs``), as in
    :class:`ContentStyleDataset`, whose seeding (``SeededInfiniteSampler``)
    this inherits.

    Args:
        source: config (or instance) of any dataset of source images, e.g.
            ``ImageFolderDataset`` or mmseg's ``PotsdamDataset`` (labels are
            not used).
        target: the one-shot target image file; checked at construction.
        target_pipeline: transforms of the target image (load first).
        pipeline: transforms of the pair.
    """

    def __init__(
        self,
        source: Union[dict, object],
        target: str,
        target_pipeline: Sequence[dict] = (dict(
            type='LoadImageFromFile', color_type='color'), ),
        pipeline: Sequence[dict] = (dict(type='PackContentStyleInputs'), )):
        self.target_path = check_image_file(target, 'LRMPairDataset: target')
        super().__init__(
            content=source,
            style=OneImageDataset(self.target_path, target_pipeline),
            pipeline=pipeline)

"""A dataset of every image file under one folder (e.g. WikiArt paintings)."""
import os.path as osp
from typing import List, Sequence

from mmengine.dataset import BaseDataset
from mmengine.fileio import list_dir_or_file

from mmasm.registry import DATASETS
from mmasm.utils import IMG_EXTENSIONS
from mmasm.utils.image_files import check_image_files


@DATASETS.register_module()
class ImageFolderDataset(BaseDataset):
    """Images found recursively under ``data_root/data_prefix['img_path']``,
    in sorted path order, without labels; every file's size and header are
    checked when the dataset is built (zero-byte files are named then, not
    when a random draw reaches them mid-run).

    RAIN pretraining reads its style images (WikiArt) and, optionally, its
    content images this way. Each sample is ``dict(img_path=...)`` passed
    through ``pipeline`` (typically mmcv's ``LoadImageFromFile`` first).

    Args:
        data_root: the folder to scan (or the root ``data_prefix`` joins).
        data_prefix: ``dict(img_path=SUBFOLDER)``; defaults to the root.
        img_suffixes: accepted extensions, compared case-insensitively.
        **kwargs: the remaining :class:`mmengine.dataset.BaseDataset` args
            (``pipeline``, ``indices``, ``serialize_data``, ...).
    """

    def __init__(self,
                 data_root: str = '',
                 data_prefix: dict = None,
                 img_suffixes: Sequence[str] = IMG_EXTENSIONS,
                 **kwargs):
        self.img_suffixes = tuple(s.lower() for s in img_suffixes)
        super().__init__(
            data_root=data_root,
            data_prefix=data_prefix or dict(img_path=''),
            **kwargs)

    def load_data_list(self) -> List[dict]:
        folder = self.data_prefix.get('img_path') or self.data_root
        if not folder:
            raise ValueError(f'{type(self).__name__}: no image folder given '
                             f'(set data_root or data_prefix.img_path)')
        folder = osp.normpath(folder)
        if not osp.isdir(folder):
            raise FileNotFoundError(
                f'{type(self).__name__}: image folder "{folder}" does not '
                f'exist (expected a folder of {"/".join(self.img_suffixes)} '
                f'images)')
        files = sorted(
            path for path in list_dir_or_file(
                folder, list_dir=False, recursive=True)
            if path.lower().endswith(self.img_suffixes))
        if not files:
            raise ValueError(
                f'{type(self).__name__}: no images in "{folder}" (searched '
                f'recursively for the extensions '
                f'{", ".join(self.img_suffixes)}, any case)')
        paths = check_image_files((osp.join(folder, path) for path in files),
                                  f'{type(self).__name__} folder "{folder}"')
        return [dict(img_path=path) for path in paths]

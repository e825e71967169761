"""Image files and array conventions at the seam between mmseg and RAIN / LRM.

mmseg's pipelines hold images as BGR ``uint8`` arrays of shape ``(H, W, 3)``;
RAIN wants RGB float tensors of shape ``(3, H, W)`` in ``[0, 1]``, the LRM
translator RGB float batches ``(N, 3, H, W)`` in ``[0, 255]``.
"""
import os
import os.path as osp
from typing import List, Sequence, Union

import cv2
import mmcv
import numpy as np
import torch
from mmengine.utils import scandir

from .image_files import check_image_files

#: The smallest height and width RAIN's VGG encoder takes (three 2x poolings
#: and a 3x3 reflection-padded convolution on what is left).
MIN_IMAGE_SIZE = 16

#: File extensions treated as images when a folder is listed (everywhere in
#: mmasm: folders of style, target and content images).
IMG_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.pgm', '.tif',
                  '.tiff', '.webp')

#: cv2 flags: 3 channels (grayscale repeated, alpha dropped, EXIF rotation
#: applied as mmseg's ``LoadImageFromFile`` does) and 16-bit depth kept.
_READ_FLAGS = cv2.IMREAD_COLOR | cv2.IMREAD_ANYDEPTH

#: Divisor that maps each supported pixel dtype to ``[0, 1]``.
_DTYPE_RANGE = {np.dtype(np.uint8): 255.0, np.dtype(np.uint16): 65535.0}

PathOrPaths = Union[str, os.PathLike, Sequence[Union[str, os.PathLike]]]


def list_images(path_or_paths: PathOrPaths) -> List[str]:
    """Image files named by a file, a folder or a sequence of either.

    Folders are searched recursively (sorted) for files ending in one of
    :data:`IMG_EXTENSIONS`; other files in a folder are skipped, and each
    listed file's size and header are checked now (a zero-byte file would
    otherwise fail only when drawn, mid-run). A file named explicitly is
    kept whatever its extension (reading it reports problems).

    Raises:
        FileNotFoundError: a path does not exist.
        ValueError: a folder holds no image or a file that is empty or no
            image (all named), or nothing was given.
    """
    if isinstance(path_or_paths, (str, os.PathLike)):
        path_or_paths = [path_or_paths]
    paths = []
    for path in map(os.fspath, path_or_paths):
        if osp.isdir(path):
            found = sorted(
                scandir(
                    path, IMG_EXTENSIONS, recursive=True,
                    case_sensitive=False))
            if not found:
                raise ValueError(
                    f'no image in folder {path!r}: expected files ending in '
                    f'{", ".join(IMG_EXTENSIONS)}')
            paths.extend(
                check_image_files((osp.join(path, name) for name in found),
                                  f'folder {path!r}'))
        elif osp.isfile(path):
            paths.append(path)
        else:
            raise FileNotFoundError(
                f'image file or folder not found: {path!r}')
    if not paths:
        raise ValueError('no image path given')
    return paths


def read_rgb(path: Union[str, os.PathLike],
             min_size: int = MIN_IMAGE_SIZE) -> torch.Tensor:
    """Read an image file as an RGB float tensor ``(3, H, W)`` in ``[0, 1]``.

    Grayscale images are repeated to 3 channels, the alpha channel of RGBA
    images is dropped, 8-bit images are divided by 255 and 16-bit images by
    65535.

    Args:
        path: image file.
        min_size: smallest accepted height and width (RAIN's minimum).

    Raises:
        FileNotFoundError: ``path`` is not a file.
        ValueError: the file is empty or not a readable 8/16-bit image, or
            is smaller than ``min_size`` (the message names the file).
    """
    path = os.fspath(path)
    if not osp.isfile(path):
        raise FileNotFoundError(f'image file not found: {path!r}')
    if osp.getsize(path) == 0:
        raise ValueError(
            f'cannot read {path!r} as an image: the file is empty (0 bytes)')
    try:
        img = mmcv.imread(path, flag=_READ_FLAGS, backend='cv2')
    except cv2.error as err:
        raise ValueError(f'cannot read {path!r} as an image: {err}') from err
    if img is None:
        raise ValueError(f'cannot read {path!r} as an image (supported: '
                         f'{", ".join(IMG_EXTENSIONS)})')
    if img.dtype not in _DTYPE_RANGE:
        raise ValueError(f'{path!r} has {img.dtype} pixels; expected 8-bit '
                         f'or 16-bit images')
    if min(img.shape[:2]) < min_size:
        raise ValueError(f'{path!r} is {img.shape[1]}x{img.shape[0]} pixels; '
                         f'RAIN needs at least {min_size}x{min_size}')
    rgb = mmcv.bgr2rgb(img).astype(np.float32) / _DTYPE_RANGE[img.dtype]
    return torch.from_numpy(rgb).permute(2, 0, 1).contiguous()


def bgr_uint8_to_rgb01(img: np.ndarray) -> torch.Tensor:
    """mmseg's BGR ``uint8`` ``(H, W, 3)`` array -> RGB float ``(3, H, W)``
    tensor in ``[0, 1]``."""
    if not isinstance(img, np.ndarray) or img.ndim != 3 or img.shape[2] != 3:
        shape = img.shape if isinstance(img, np.ndarray) else type(img)
        raise ValueError(f'expected a BGR image array of shape (H, W, 3), '
                         f'got {shape}')
    if img.dtype != np.uint8:
        raise TypeError(f'expected a uint8 BGR image, got {img.dtype}')
    rgb = mmcv.bgr2rgb(img).astype(np.float32) / 255.0
    return torch.from_numpy(rgb).permute(2, 0, 1).contiguous()


def rgb01_to_bgr_uint8(img: torch.Tensor) -> np.ndarray:
    """RGB float ``(3, H, W)`` tensor in ``[0, 1]`` -> mmseg's BGR ``uint8``
    ``(H, W, 3)`` array; values outside ``[0, 1]`` are clipped and the
    rest rounded to the nearest level."""
    if img.dim() != 3 or img.shape[0] != 3:
        raise ValueError(f'expected an RGB tensor of shape (3, H, W), got '
                         f'{tuple(img.shape)}')
    levels = img.detach().float().clamp(0, 1).mul(255).round().to(torch.uint8)
    rgb = np.ascontiguousarray(levels.permute(1, 2, 0).cpu().numpy())
    return mmcv.rgb2bgr(rgb)


def bgr_uint8_to_rgb255(img: np.ndarray) -> torch.Tensor:
    """BGR uint8 ``(H, W, 3)`` -> RGB float ``(1, 3, H, W)`` in [0, 255]."""
    return torch.from_numpy(mmcv.bgr2rgb(img)).permute(2, 0, 1)[None].float()


def rgb255_to_bgr_uint8(img: torch.Tensor) -> np.ndarray:
    """RGB float ``(1, 3, H, W)`` -> BGR uint8 ``(H, W, 3)`` (clipped to
    [0, 255], rounded)."""
    levels = img[0].clamp(0, 255.0).round().to(torch.uint8)
    return mmcv.rgb2bgr(np.ascontiguousarray(levels.permute(1, 2, 0).numpy()))

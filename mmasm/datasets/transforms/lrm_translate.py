"""LRMTranslate: translate training images with a trained LRM translator."""
import os
import os.path as osp
from typing import Dict, Tuple

import cv2
import mmcv
import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmcv.transforms.utils import cache_randomness

from mmasm.datasets.lrm_pair_dataset import check_image_file
from mmasm.models.lrm import load_lrm_translator
from mmasm.registry import TRANSFORMS
from mmasm.utils import bgr_uint8_to_rgb255, rgb255_to_bgr_uint8


@TRANSFORMS.register_module()
class LRMTranslate(BaseTransform):
    """One-shot image-to-image translation of source images by latent
    representation mixing: with probability ``prob``, ``results['img']``
    becomes ``D(cat(E(x)[:, :32], E(x_T)[:, 32:]))``, ``x_T`` the one-shot
    target image resized to the image's size.

    Required keys: ``img`` (BGR uint8 ``(H, W, 3)``, mmseg's convention).
    Modified keys: ``img`` (same size, dtype and convention).
    Added keys: ``lrm_applied`` (bool). Labels are not touched.

    The translator is loaded lazily on the first call in each process
    (DataLoader workers included) and never pickled; the target's latent is
    cached per image size. Put it before geometric augmentation (crops,
    flips) so that the whole image is translated at once.

    Args:
        checkpoint: an LRM translator file (``lrm_translator.pth`` exported
            by ``tools/train.py`` with an LRM config, or a Runner checkpoint
            of it).
        target: the one-shot target image file.
        prob: probability of translating an image.
        device: device the translator runs on.
    """

    def __init__(self,
                 checkpoint: str,
                 target: str,
                 prob: float = 1.0,
                 device: str = 'cpu'):
        if not isinstance(checkpoint, (str, os.PathLike)):
            raise TypeError(f'LRMTranslate: checkpoint must be a file path, '
                            f'got {type(checkpoint).__name__}')
        if not osp.isfile(checkpoint):
            raise FileNotFoundError(
                f'LRMTranslate: checkpoint file not found: {checkpoint!r}')
        if (isinstance(prob, bool) or not isinstance(prob, (int, float))
                or not 0 <= prob <= 1):
            raise ValueError(f'LRMTranslate: prob must be a number in '
                             f'[0, 1], got {prob!r}')
        self.checkpoint = os.fspath(checkpoint)
        self.target = check_image_file(target, 'LRMTranslate: target')
        self.prob = float(prob)
        self.device = device
        self._translator = None
        self._target_image = None
        self._target_latents: Dict[Tuple[int, int], torch.Tensor] = {}

    def __getstate__(self):
        state = self.__dict__.copy()
        state.update(_translator=None, _target_image=None, _target_latents={})
        return state

    def load(self):
        """The translator (and the target image), once per process."""
        if self._translator is None:
            translator = load_lrm_translator(self.checkpoint, self.device)
            target = mmcv.imread(
                self.target, flag=cv2.IMREAD_COLOR, backend='cv2')
            self._target_image = bgr_uint8_to_rgb255(target).to(self.device)
            self._translator = translator
        return self._translator

    def target_latents(self, size: Tuple[int, int]) -> torch.Tensor:
        """The target's latent for source images of ``size`` (cached)."""
        size = tuple(size)
        if size not in self._target_latents:
            self._target_latents[size] = self.load().encode_target(
                self._target_image, size)
        return self._target_latents[size]

    def translate(self, img: np.ndarray) -> np.ndarray:
        """Translate one BGR uint8 image."""
        translator = self.load()
        with torch.inference_mode():
            source = bgr_uint8_to_rgb255(img).to(self.device)
            latents = self.target_latents(source.shape[-2:])
            out = translator.translate(source, target_latents=latents)
        return rgb255_to_bgr_uint8(out.cpu())

    @cache_randomness
    def _apply(self) -> bool:
        return bool(np.random.rand() < self.prob)

    def transform(self, results: dict) -> dict:
        applied = self._apply()
        results['lrm_applied'] = applied
        if applied:
            self._check_image(results)
            results['img'] = self.translate(results['img'])
        return results

    @staticmethod
    def _check_image(results: dict) -> None:
        img = results.get('img')
        name = results.get('img_path', '')
        if not isinstance(img, np.ndarray):
            raise TypeError(f'LRMTranslate: no image array for {name!r} '
                            f'(got {type(img).__name__}); load it first '
                            f'with LoadImageFromFile')
        if img.dtype != np.uint8:
            raise TypeError(
                f'LRMTranslate: image {name!r} is {img.dtype}; expected uint8 '
                f'(put LRMTranslate before transforms that convert to float, '
                f'and use LoadImageFromFile(to_float32=False))')
        if img.ndim != 3 or img.shape[2] != 3 or min(img.shape[:2]) < 2:
            raise ValueError(f'LRMTranslate: image {name!r} has shape '
                             f'{img.shape}; expected (H, W, 3), H, W >= 2')

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(checkpoint={self.checkpoint!r}, '
                f'target={self.target!r}, prob={self.prob}, '
                f'device={self.device!r})')

"""RandomRAIN: stylize training images with a frozen pretrained RAIN."""
import os
import os.path as osp
from typing import Optional, Sequence, Tuple, Union

import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmcv.transforms.utils import cache_randomness

from mmasm.models.rain import RAIN, compute_anchor, load_rain
from mmasm.registry import TRANSFORMS
from mmasm.utils import (MIN_IMAGE_SIZE, bgr_uint8_to_rgb01, list_images,
                         read_rgb, rgb01_to_bgr_uint8)


@TRANSFORMS.register_module()
class RandomRAIN(BaseTransform):
    """Random AdaIN style augmentation (the RAIN of Luo et al., NeurIPS 2020,
    used as a plain data augmentation, as in the paper's Table 4 ablations).

    With probability ``prob``, ``results['img']`` becomes
    ``D(AdaIN(E(x), D_vae(eps)))`` with

    - ``mode='random'``: ``eps ~ N(0, I)``;
    - ``mode='anchored'``: ``eps ~ N(psi, xi)``, the style anchor
      ``E_vae(E(x_T))`` of the target image(s) (with k targets, one anchor
      is drawn per image).

    Required keys: ``img`` (BGR uint8 ``(H, W, 3)``, mmseg's convention).
    Modified keys: ``img`` (same size, dtype and convention).
    Added keys: ``rain_applied`` (bool). Labels are not touched.

    The model and the anchor are loaded lazily on the first call in each
    process (DataLoader workers included) and are never pickled. PyTorch
    already limits each DataLoader worker to one thread. Randomness comes
    from ``np.random`` (which mmengine seeds per worker), so runs are
    reproducible with ``randomness=dict(seed=...)``.

    Args:
        checkpoint: mmasm RAIN checkpoint file.
        prob: probability of stylizing an image.
        mode: ``'random'`` or ``'anchored'``.
        target: the one-shot target image for ``'anchored'``: a file, a
            list of files or a folder (one anchor per image).
        alpha: content-style trade-off of AdaIN; 1 = full style.
        vae_depth: Linear layers per side of the style VAE (3 = authors').
        device: device RAIN runs on.
    """

    MODES = ('random', 'anchored')

    def __init__(self,
                 checkpoint: str,
                 prob: float = 0.5,
                 mode: str = 'random',
                 target: Optional[Union[str, Sequence[str]]] = None,
                 alpha: float = 1.0,
                 vae_depth: int = 3,
                 device: str = 'cpu'):
        self.checkpoint = self._check_checkpoint(checkpoint)
        self.prob = self._check_fraction('prob', prob)
        self.alpha = self._check_fraction('alpha', alpha)
        self.mode = mode
        self.target_paths = self._check_target(mode, target)
        self.vae_depth = vae_depth
        self.device = device
        self._rain = None
        self._anchor = None

    @staticmethod
    def _check_checkpoint(checkpoint) -> str:
        if not isinstance(checkpoint, (str, os.PathLike)):
            raise TypeError(f'RandomRAIN: checkpoint must be a file path, '
                            f'got {type(checkpoint).__name__}')
        if not osp.isfile(checkpoint):
            raise FileNotFoundError(
                f'RandomRAIN: checkpoint file not found: {checkpoint!r}')
        return os.fspath(checkpoint)

    @staticmethod
    def _check_fraction(key: str, value) -> float:
        if (isinstance(value, bool) or not isinstance(value, (int, float))
                or not 0 <= value <= 1):
            raise ValueError(f'RandomRAIN: {key} must be a number in [0, 1], '
                             f'got {value!r}')
        return float(value)

    def _check_target(self, mode, target) -> Optional[list]:
        if mode not in self.MODES:
            raise ValueError(f'RandomRAIN: mode must be one of {self.MODES}, '
                             f'got {mode!r}')
        if mode == 'random':
            if target is not None:
                raise ValueError('RandomRAIN: target is only used with '
                                 "mode='anchored'")
            return None
        if target is None:
            raise ValueError("RandomRAIN: mode='anchored' needs target "
                             '(an image file, a list of files or a folder)')
        paths = list_images(target)
        for path in paths:
            read_rgb(path)  # raises naming the file if it is not an image
        return paths

    @property
    def rain(self) -> Optional[RAIN]:
        """The RAIN this process loaded (``None`` until the first image:
        every DataLoader worker loads its own, never a pickled copy)."""
        return self._rain

    @property
    def anchor(self) -> Optional[Tuple[torch.Tensor, torch.Tensor]]:
        """``(psi, xi)`` of the target image(s), one row per image, once
        loaded (``'anchored'`` mode)."""
        return self._anchor

    def __getstate__(self):
        state = self.__dict__.copy()
        state['_rain'] = state['_anchor'] = None
        return state

    def _load(self):
        """Load RAIN (and the anchor) once per process."""
        if self._rain is None:
            rain = load_rain(self.checkpoint, self.device, self.vae_depth)
            if self.mode == 'anchored':
                self._anchor = compute_anchor(rain, self.target_paths)
            self._rain = rain
        return self._rain

    @cache_randomness
    def _draw(self) -> Optional[int]:
        """Seed for this image's style, or ``None`` to leave it as is."""
        if np.random.rand() >= self.prob:
            return None
        return int(np.random.randint(2**31))

    def stylize(self, img: np.ndarray, seed: int) -> np.ndarray:
        """Stylize one BGR uint8 image with the style drawn from ``seed``."""
        rain = self._load()
        generator = torch.Generator(self.device).manual_seed(seed)
        psi, xi = self._anchor if self._anchor is not None else (None, None)
        with torch.inference_mode():
            x = bgr_uint8_to_rgb01(img)[None].to(self.device)
            eps = rain.sample_eps(1, psi, xi, generator=generator)
            out = rain.stylize(x, eps, self.alpha)
        return rgb01_to_bgr_uint8(out[0])

    def transform(self, results: dict) -> dict:
        seed = self._draw()
        results['rain_applied'] = seed is not None
        if seed is None:
            return results
        self._check_image(results)
        results['img'] = self.stylize(results['img'], seed)
        return results

    @staticmethod
    def _check_image(results: dict) -> None:
        img = results['img']
        name = results.get('img_path', '')
        if img.dtype != np.uint8:
            raise TypeError(
                f'RandomRAIN: image {name!r} is {img.dtype}; expected uint8 '
                f'(put RandomRAIN before transforms that convert to float, '
                f'and use LoadImageFromFile(to_float32=False))')
        if (img.ndim != 3 or img.shape[2] != 3
                or min(img.shape[:2]) < MIN_IMAGE_SIZE):
            raise ValueError(
                f'RandomRAIN: image {name!r} has shape {img.shape}; expected '
                f'(H, W, 3) with H, W >= {MIN_IMAGE_SIZE}')

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(checkpoint={self.checkpoint!r}, '
                f'prob={self.prob}, mode={self.mode!r}, '
                f'target={self.target_paths!r}, alpha={self.alpha}, '
                f'vae_depth={self.vae_depth}, device={self.device!r})')

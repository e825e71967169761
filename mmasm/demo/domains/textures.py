"""Photographed textures (scikit-image's bundled images), tiled and
mip-mapped, sampled at metric surface coordinates.

Only images that ship inside scikit-image's wheel are used (no download):
``brick``, ``grass`` and ``gravel``.
"""
from functools import lru_cache
from typing import Dict, List

import cv2
import numpy as np
from skimage import data as skimage_data

#: Textures of the target renderer (none of them may appear among the RAIN
#: style images, see ``style_images.py``).
TARGET_TEXTURES = ('brick', 'grass', 'gravel')
REMAP_ROW = 4096


class Texture:
    """A grey texture made seamless by mirroring, with a mip-map pyramid.

    Args:
        image: ``(H, W)`` uint8 photograph.
        metres: how many metres the photograph spans on a surface.
    """

    def __init__(self, image: np.ndarray, metres: float):
        image = image.astype(np.float32) / 255.0
        image = (image - image.mean()) / (image.std() + 1e-6)
        top = np.concatenate([image, image[:, ::-1]], axis=1)
        tile = np.concatenate([top, top[::-1]], axis=0)
        self.texels_per_metre = image.shape[1] / metres
        self.levels: List[np.ndarray] = [tile]
        while min(self.levels[-1].shape) > 8:
            previous = self.levels[-1]
            size = (previous.shape[1] // 2, previous.shape[0] // 2)
            self.levels.append(
                cv2.resize(previous, size, interpolation=cv2.INTER_AREA))

    def sample(self,
               s: np.ndarray,
               t: np.ndarray,
               footprint: np.ndarray,
               sharpness: float = 0.0) -> np.ndarray:
        """Zero-mean, unit-std texture values at surface coordinates
        ``(s, t)`` metres seen at ``footprint`` metres per pixel (1-D arrays);
        trilinear mip-mapping keeps far surfaces from aliasing.
        ``sharpness`` > 0 picks finer levels than the footprint asks for."""
        if s.size == 0:
            return np.zeros(0, np.float32)
        level = np.log2(np.maximum(footprint * self.texels_per_metre,
                                   1e-6)) - sharpness
        level = np.clip(level, 0, len(self.levels) - 1)
        low = np.floor(level).astype(np.int64)
        weight = (level - low).astype(np.float32)
        out = np.zeros(s.shape, np.float32)
        for index in np.unique(np.concatenate([low, low + 1])):
            if index >= len(self.levels):
                continue
            take = (low == index) | (low + 1 == index)
            values = self._sample_level(index, s[take], t[take])
            w = np.where(low[take] == index, 1 - weight[take], weight[take])
            out[take] += w * values
        return out

    def _sample_level(self, index, s, t):
        tile = self.levels[index]
        scale = self.texels_per_metre / 2**index
        height, width = tile.shape
        # cv2.remap wants 2-D maps under 32767 a side: fold the 1-D list
        size = s.size
        rows = -(-size // REMAP_ROW)
        x = np.zeros(rows * REMAP_ROW, np.float32)
        y = np.zeros(rows * REMAP_ROW, np.float32)
        x[:size] = np.mod(s * scale, width)
        y[:size] = np.mod(t * scale, height)
        values = cv2.remap(
            tile,
            x.reshape(rows, REMAP_ROW),
            y.reshape(rows, REMAP_ROW),
            cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_WRAP)
        return values.reshape(-1)[:size]


def periodic_noise(size: int = 256, seed: int = 0) -> np.ndarray:
    """``(size, size)`` uint8 smooth noise that tiles seamlessly (white noise
    filtered with a 1/f^2 spectrum through the FFT, which is periodic):
    large-scale stains and wear."""
    rng = np.random.default_rng(seed)
    frequency = np.fft.fftfreq(size)
    radius = np.hypot(frequency[:, None], frequency[None])
    spectrum = np.fft.fft2(rng.standard_normal((size, size)))
    noise = np.fft.ifft2(spectrum / np.maximum(radius, 1.0 / size)**2).real
    noise = (noise - noise.min()) / (noise.max() - noise.min())
    return (noise * 255).astype(np.uint8)


@lru_cache(maxsize=None)
def load_target_textures() -> Dict[str, Texture]:
    """The target domain's textures, with the metres each photograph
    spans on a surface."""
    brick = skimage_data.brick()
    return dict(
        asphalt=Texture(skimage_data.gravel(), 0.6),
        pavement=Texture(brick, 2.0),
        bricks=Texture(np.ascontiguousarray(np.rot90(brick)), 1.4),
        plaster=Texture(skimage_data.gravel(), 6.0),
        grass=Texture(skimage_data.grass(), 1.5),
        leaves=Texture(skimage_data.grass(), 3.0),
        bark=Texture(
            np.ascontiguousarray(np.rot90(skimage_data.grass())), 1.0),
        stains=Texture(periodic_noise(), 30.0))

"""Style images for pretraining RAIN on the demo domains.

RAIN learns styles from a folder of images (WikiArt paintings in the paper);
for the demo it is scikit-image's bundled photographs (none of the textures
the target renderer uses, so the target's look is not in the style set) and
painted versions of them: watercolour (``cv2.stylization``), poster
(edge-preserving smoothing + posterisation), colour pencil
(``cv2.pencilSketch``) and false colour (a colour map over the grey image).
"""
from functools import lru_cache
from typing import Tuple

import cv2
import numpy as np
from skimage import data as skimage_data

from .textures import TARGET_TEXTURES

#: scikit-image images that load without a download (checked on 0.26).
STYLE_PHOTOS = ('astronaut', 'coffee', 'chelsea', 'rocket', 'camera',
                'hubble_deep_field', 'immunohistochemistry', 'retina', 'coins',
                'clock', 'moon', 'colorwheel', 'motorcycle')
PAINTERS = ('watercolour', 'poster', 'pencil', 'falsecolour')
MAX_SIDE = 256
FALSE_COLOUR_MAPS = (cv2.COLORMAP_TWILIGHT, cv2.COLORMAP_OCEAN,
                     cv2.COLORMAP_AUTUMN, cv2.COLORMAP_PINK,
                     cv2.COLORMAP_SUMMER, cv2.COLORMAP_HOT,
                     cv2.COLORMAP_WINTER)


def load_photo(name: str) -> np.ndarray:
    """A bundled photograph as ``(H, W, 3)`` uint8 RGB, longer side
    ``MAX_SIDE``."""
    if name in TARGET_TEXTURES:
        raise ValueError(f'{name} is a target texture, not a style image')
    image = (
        skimage_data.stereo_motorcycle()[0]
        if name == 'motorcycle' else getattr(skimage_data, name)())
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=2)
    image = np.ascontiguousarray(image[..., :3])
    scale = MAX_SIDE / max(image.shape[:2])
    size = (round(image.shape[1] * scale), round(image.shape[0] * scale))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def paint(image_rgb: np.ndarray, painter: str, variant: int = 0) -> np.ndarray:
    """A painted version of ``image_rgb`` (uint8 RGB in and out);
    ``variant`` picks the false-colour map."""
    bgr = image_rgb[..., ::-1].copy()
    if painter == 'watercolour':
        out = cv2.stylization(bgr, sigma_s=40, sigma_r=0.45)
    elif painter == 'poster':
        smooth = cv2.edgePreservingFilter(
            bgr, flags=cv2.RECURS_FILTER, sigma_s=50, sigma_r=0.5)
        out = (smooth // 48) * 48 + 24
        hsv = cv2.cvtColor(out.astype(np.uint8), cv2.COLOR_BGR2HSV)
        hsv[..., 1] = np.clip(hsv[..., 1].astype(int) * 3 // 2, 0, 255)
        out = cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)
    elif painter == 'pencil':
        _, out = cv2.pencilSketch(
            bgr, sigma_s=40, sigma_r=0.08, shade_factor=0.05)
    elif painter == 'falsecolour':
        grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
        colour_map = FALSE_COLOUR_MAPS[variant % len(FALSE_COLOUR_MAPS)]
        out = cv2.applyColorMap(cv2.equalizeHist(grey), colour_map)
    else:
        raise ValueError(f'unknown painter {painter!r}, expected one of '
                         f'{PAINTERS}')
    return np.ascontiguousarray(out[..., ::-1])


@lru_cache(maxsize=1)
def style_images() -> Tuple[Tuple[str, np.ndarray], ...]:
    """``(file stem, RGB image)`` for every photo and painted variant
    (computed once per process; the arrays are read-only)."""
    images = []
    for index, name in enumerate(STYLE_PHOTOS):
        photo = load_photo(name)
        images.append((f'photo_{name}', photo))
        for painter in PAINTERS:
            images.append((f'{painter}_{name}', paint(photo, painter, index)))
    for _, image in images:
        image.setflags(write=False)
    return tuple(images)

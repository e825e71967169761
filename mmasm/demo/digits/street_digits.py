"""The digits demo's target domain: street-number-like digits.

Each 32x32 image shows one centred digit drawn with one of OpenCV's
Hershey fonts in a random colour on a coloured, textured background,
partial neighbouring digits on both sides (house numbers, as SVHN's
cropped digits), then a small rotation, blur, sensor noise and JPEG
compression. Everything is drawn from a ``numpy`` generator: same seed,
same images.
"""
from typing import Tuple

import cv2
import numpy as np

from .source_digits import DIGIT_SIZE

HERSHEY_FONTS = (cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX,
                 cv2.FONT_HERSHEY_COMPLEX, cv2.FONT_HERSHEY_TRIPLEX,
                 cv2.FONT_HERSHEY_PLAIN, cv2.FONT_HERSHEY_COMPLEX_SMALL)
#: the drawing canvas is this many times the output size (anti-aliasing)
SUPERSAMPLE = 3


def textured_background(rng: np.random.Generator, size: int) -> np.ndarray:
    """A colour gradient with low-frequency blotches and fine grain, float
    RGB in [0, 255], ``(size, size, 3)``."""
    base, other = rng.uniform(0, 255, (2, 3))
    ramp = np.linspace(0, 1, size)[:, None] * rng.uniform(-1, 1) \
        + np.linspace(0, 1, size)[None, :] * rng.uniform(-1, 1)
    ramp = (ramp - ramp.min()) / max(np.ptp(ramp), 1e-6)
    image = base + ramp[..., None] * (other - base) * rng.uniform(0.2, 0.8)
    blotches = cv2.resize(
        rng.normal(0, 1, (4, 4)).astype(np.float32), (size, size),
        interpolation=cv2.INTER_CUBIC)
    image += blotches[..., None] * rng.uniform(5, 30) * rng.uniform(0.5, 1, 3)
    image += rng.normal(0, rng.uniform(2, 12), (size, size, 1))
    return image


def digit_colour(rng: np.random.Generator,
                 background: np.ndarray) -> np.ndarray:
    """A colour whose brightness differs from the background's by at least
    60 grey levels (darker or lighter ink, as house numbers come)."""
    level = background.mean()
    target = level - rng.uniform(60, 160) if (level > 128) ^ (rng.random() < 0.2) \
        else level + rng.uniform(60, 160)
    colour = rng.uniform(0, 255, 3)
    return np.clip(colour - colour.mean() + np.clip(target, 0, 255), 0, 255)


def draw_digit(canvas: np.ndarray, digit: int, centre_x: float, font: int,
               scale: float, thickness: int, colour: np.ndarray) -> None:
    """Draw ``digit`` centred horizontally at ``centre_x`` and vertically
    on the canvas, in place."""
    text = str(digit)
    (width, height), _ = cv2.getTextSize(text, font, scale, thickness)
    origin = (int(round(centre_x - width / 2)),
              int(round((canvas.shape[0] + height) / 2)))
    cv2.putText(canvas, text, origin, font, scale, colour.tolist(), thickness,
                cv2.LINE_AA)


def render_street_digit(rng: np.random.Generator,
                        digit: int,
                        size: int = DIGIT_SIZE) -> np.ndarray:
    """One target image of ``digit``: ``(size, size, 3)`` uint8 RGB."""
    big = size * SUPERSAMPLE
    canvas = np.clip(textured_background(rng, big), 0, 255).astype(np.uint8)
    font = HERSHEY_FONTS[rng.integers(len(HERSHEY_FONTS))]
    (_, unit_height), _ = cv2.getTextSize('0', font, 1.0, 1)
    scale = big * rng.uniform(0.45, 0.7) / unit_height
    thickness = int(rng.integers(2, 4) * SUPERSAMPLE)
    colour = digit_colour(rng, canvas)
    spacing = big * rng.uniform(0.5, 0.7)
    for side in (-1, 1):  # neighbouring digits, cut by the crop
        if rng.random() < 0.8:
            draw_digit(canvas, int(rng.integers(10)), big / 2 + side * spacing,
                       font, scale, thickness, colour)
    draw_digit(canvas, digit, big / 2 + rng.normal(0, big * 0.03), font, scale,
               thickness, colour)
    angle, zoom = rng.normal(0, 6), rng.uniform(0.9, 1.1)
    warp = cv2.getRotationMatrix2D((big / 2, big / 2), angle, zoom)
    warp[0, 1] += rng.normal(0, 0.1)  # shear
    canvas = cv2.warpAffine(
        canvas, warp, (big, big), borderMode=cv2.BORDER_REFLECT)
    image = cv2.resize(
        canvas, (size, size), interpolation=cv2.INTER_AREA).astype(np.float32)
    image = cv2.GaussianBlur(image, (0, 0), rng.uniform(0.3, 1.2))
    image = image + rng.normal(0, rng.uniform(2, 10), image.shape)
    return jpeg(
        np.clip(image, 0, 255).astype(np.uint8), int(rng.integers(30, 80)))


def jpeg(image: np.ndarray, quality: int) -> np.ndarray:
    """``image`` (RGB uint8) after a JPEG round trip at ``quality``."""
    ok, data = cv2.imencode('.jpg', image[..., ::-1],
                            [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError('cv2 could not JPEG-encode an image')
    return cv2.imdecode(data, cv2.IMREAD_COLOR)[..., ::-1]


def render_style_texture(rng: np.random.Generator,
                         size: int = DIGIT_SIZE) -> np.ndarray:
    """A RAIN style image: a textured background with random strokes and
    no digit, ``(size, size, 3)`` uint8 RGB (the digits demo's stand-in
    for the paintings RAIN is pretrained on)."""
    canvas = np.clip(textured_background(rng, size * SUPERSAMPLE), 0,
                     255).astype(np.uint8)
    for _ in range(int(rng.integers(0, 4))):
        points = rng.uniform(0, size * SUPERSAMPLE, (2, 2)).astype(int)
        cv2.line(canvas, tuple(points[0].tolist()), tuple(points[1].tolist()),
                 rng.uniform(0, 255, 3).tolist(), int(rng.integers(2, 10)),
                 cv2.LINE_AA)
    image = cv2.resize(canvas, (size, size), interpolation=cv2.INTER_AREA)
    return np.clip(image, 0, 255).astype(np.uint8)


def render_split(rng: np.random.Generator,
                 num: int,
                 size: int = DIGIT_SIZE) -> Tuple[np.ndarray, np.ndarray]:
    """``num`` target images with balanced labels in a shuffled order."""
    labels = rng.permutation(np.arange(num) % 10)
    return np.stack([render_street_digit(rng, int(d), size)
                     for d in labels]), labels

"""What a real camera does to a scene: exposure, vignetting, lens blur,
sensor noise, tone curve, white balance (colour cast) and JPEG compression.

Applied to the target domain only, in that order, with random strengths per
image; the result is stored losslessly (PNG), the JPEG artefacts are part
of the look.
"""
from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class CameraEffects:
    exposure: float
    vignetting: float
    blur_sigma: float
    shot_noise: float
    read_noise: float
    gamma: float
    white_balance: tuple  # per RGB channel gains
    jpeg_quality: int

    @classmethod
    def random(cls, rng: np.random.Generator) -> 'CameraEffects':
        warmth = rng.uniform(-0.12, 0.12)
        cast = rng.uniform(-0.05, 0.05, 3)
        gains = np.array([1 + warmth, 1.0, 1 - warmth]) + cast
        return cls(
            exposure=float(rng.uniform(0.7, 1.3)),
            vignetting=float(rng.uniform(0.15, 0.45)),
            blur_sigma=float(rng.uniform(0.3, 0.7)),
            shot_noise=float(rng.uniform(0.001, 0.006)),
            read_noise=float(rng.uniform(0.002, 0.008)),
            gamma=float(rng.uniform(0.85, 1.15)),
            white_balance=tuple(float(g) for g in gains),
            jpeg_quality=int(rng.integers(60, 91)))


def vignette(shape, strength: float) -> np.ndarray:
    """``(H, W, 1)`` radial fall-off: 1 in the centre, ``1 - strength`` in
    the corners (cos^4-like)."""
    height, width = shape
    y = (np.arange(height) + 0.5 - height / 2) / (height / 2)
    x = (np.arange(width) + 0.5 - width / 2) / (width / 2)
    radius2 = (x[None]**2 + y[:, None]**2) / 2
    return (1 - strength * radius2)[..., None].astype(np.float32)


def tone_curve(linear: np.ndarray, gamma: float) -> np.ndarray:
    """Scene values -> display values: a power curve (contrast) with a soft
    shoulder for highlights."""
    linear = np.maximum(linear, 0)
    return np.power(linear / (1 + 0.15 * linear) * 1.15, gamma)


def jpeg(image_rgb: np.ndarray, quality: int) -> np.ndarray:
    ok, encoded = cv2.imencode('.jpg', image_rgb[..., ::-1],
                               [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError('cv2 could not JPEG-encode an image')
    return cv2.imdecode(encoded, cv2.IMREAD_COLOR)[..., ::-1]


def apply_camera(radiance: np.ndarray, effects: CameraEffects,
                 rng: np.random.Generator) -> np.ndarray:
    """``(H, W, 3)`` float32 linear RGB -> ``(H, W, 3)`` uint8 RGB photo."""
    image = radiance * effects.exposure * vignette(radiance.shape[:2],
                                                   effects.vignetting)
    image = cv2.GaussianBlur(image, (0, 0), effects.blur_sigma)
    sigma = np.sqrt(effects.shot_noise * np.maximum(image, 0) +
                    effects.read_noise**2)
    image = image + sigma * rng.standard_normal(image.shape, np.float32)
    image = tone_curve(image, effects.gamma)
    image = image * np.float32(effects.white_balance)
    image = np.clip(image * 255 + 0.5, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(jpeg(image, effects.jpeg_quality))

"""Shade a layout material by material, and the patterns both domains draw
(windows, lane lines, sign faces, lamps) computed from surface coordinates.

An appearance model is a dict ``material -> shader``; a shader takes the
:class:`PixelSet` of that material's pixels and returns their RGB colours
(``(N, 3)`` float32, about [0, 1]).
"""
from dataclasses import dataclass
from typing import Callable, Dict, Tuple

import numpy as np

from .layout import SceneLayout
from .projection import PLANE_X

Shader = Callable[['PixelSet'], np.ndarray]


@dataclass
class PixelSet:
    """The pixels of one material, as 1-D arrays (``tint`` (N, 3),
    ``params`` (N, 6))."""
    u: np.ndarray
    v: np.ndarray
    s: np.ndarray
    t: np.ndarray
    depth: np.ndarray
    footprint: np.ndarray
    tint: np.ndarray
    params: np.ndarray
    plane: np.ndarray
    plane_value: np.ndarray
    class_id: np.ndarray
    focal: float
    horizon: float
    image_height: int

    @property
    def size(self) -> int:
        return self.s.size

    def side_facing(self) -> np.ndarray:
        """+1 / -1 for facades in planes X = c > 0 / < 0, 0 otherwise."""
        return np.where(self.plane == PLANE_X, np.sign(self.plane_value), 0)


def pixel_sets(layout: SceneLayout) -> Dict[int, Tuple[np.ndarray, PixelSet]]:
    """``material -> (flat pixel indices, PixelSet)`` for every material in
    ``layout``."""
    maps = {
        key: value.reshape(value.shape[0] * value.shape[1], -1)
        for key, value in layout.pixel_maps().items()
    }
    camera = layout.camera
    v, u = np.divmod(np.arange(layout.label.size), camera.image_width)
    material = maps['material'][:, 0]
    order = np.argsort(material, kind='stable')
    bounds = np.flatnonzero(np.diff(material[order])) + 1
    sets = {}
    for indices in np.split(order, bounds):
        column = {key: value[indices] for key, value in maps.items()}
        sets[int(
            material[indices[0]])] = (indices,
                                      PixelSet(
                                          u=u[indices] + 0.5,
                                          v=v[indices] + 0.5,
                                          s=column['s'][:, 0],
                                          t=column['t'][:, 0],
                                          depth=column['depth'][:, 0],
                                          footprint=column['footprint'][:, 0],
                                          tint=column['tint'],
                                          params=column['params'],
                                          plane=column['plane'][:, 0],
                                          plane_value=column['plane_value'][:,
                                                                            0],
                                          class_id=column['class_id'][:, 0],
                                          focal=camera.focal,
                                          horizon=camera.cy,
                                          image_height=camera.image_height))
    return sets


def shade(layout: SceneLayout, shaders: Dict[int, Shader]) -> np.ndarray:
    """``(H, W, 3)`` float32 RGB image of ``layout``."""
    image = np.zeros((layout.label.size, 3), np.float32)
    for material, (indices, pixels) in pixel_sets(layout).items():
        image[indices] = shaders[material](pixels)
    return image.reshape(layout.label.shape + (3, ))


def pick(palette, fraction: np.ndarray) -> np.ndarray:
    """Rows of ``palette`` chosen by ``fraction`` in [0, 1)."""
    palette = np.asarray(palette, dtype=np.float32)
    index = np.minimum((fraction * len(palette)).astype(int), len(palette) - 1)
    return palette[index]


def jitter(colour: np.ndarray, tint: np.ndarray, amount: float) -> np.ndarray:
    """``colour`` scaled per channel by up to +-``amount`` from ``tint``."""
    return colour * (1 + amount * (2 * tint - 1))


def detail(feature_metres, footprint: np.ndarray) -> np.ndarray:
    """How much of a pattern of ``feature_metres`` to draw: 0 when it is
    under one pixel, 1 from three pixels on (fades out instead of
    aliasing)."""
    return np.clip((feature_metres / footprint - 1) / 2, 0, 1)


def mix(a: np.ndarray, b: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """``a`` where ``weight`` is 0, ``b`` where it is 1 (per pixel)."""
    weight = np.asarray(weight, np.float32)[..., None]
    return a * (1 - weight) + b * weight


# ---------------------------------------------------------------- patterns
def facade_windows(px: PixelSet) -> Tuple[np.ndarray, ...]:
    """Window, frame and shop-front masks (float, anti-aliased by
    :func:`detail`) and the window pattern's visibility."""
    origin, spacing, floor, width, height, top = px.params[:, :6].T
    along = np.mod(px.s - origin, spacing) - spacing / 2
    level = np.floor(px.t / floor)
    up = np.mod(px.t, floor) - floor * 0.55
    upper = (level >= 1) & (px.t < top - 0.8)
    window = upper & (np.abs(along) < width / 2) & (np.abs(up) < height / 2)
    frame = upper & (np.abs(along) < width / 2 +
                     0.1) & (np.abs(up) < height / 2 + 0.1) & ~window
    shop = (level == 0) & (px.tint[:, 2]
                           > 0.5) & (px.t > 0.5) & (px.t < floor * 0.8) & (
                               np.abs(along) < spacing * 0.42)
    visible = detail(np.minimum(width, height) / 2, px.footprint)
    return window, frame, shop, visible


def lane_lines(px: PixelSet) -> np.ndarray:
    """Painted road markings (float in [0, 1]): dashed lane lines, solid
    edge lines and, if the road has one, a zebra crossing."""
    lane_width, left, lanes, crossing = px.params[:, :4].T
    x, z = px.s, px.t
    offset = (x - left) / lane_width
    nearest = np.clip(np.round(offset), 0, lanes)
    distance = np.abs(offset - nearest) * lane_width
    inner = (nearest > 0) & (nearest < lanes)
    dashed = inner & (np.mod(z, 9.0) < 3.0) & (distance < 0.07)
    edge = ~inner & (np.abs(distance - 0.3) < 0.08)
    zebra = (crossing > 0) & (z > crossing) & (z < crossing + 4) & (
        np.mod(x, 1.0) < 0.5)
    lateral = px.depth / px.focal
    return (dashed | edge) * detail(0.15, lateral) + zebra * detail(
        0.5, lateral)


def sign_face(px: PixelSet) -> np.ndarray:
    """1 inside a sign's inner face, 0 on its border."""
    cx, cy, radius, shape = px.params[:, :4].T
    dx, dy = px.s - cx, px.t - cy
    circle = np.hypot(dx, dy) < radius * 0.72
    triangle = np.hypot(dx, dy - radius * 0.1) < radius * 0.4
    rectangle = (np.abs(dx) < radius * 0.68) & (np.abs(dy) < radius * 0.88)
    inner = np.select([shape == 0, shape == 1], [circle, triangle], rectangle)
    return inner.astype(np.float32)


def traffic_lamps(px: PixelSet) -> Tuple[np.ndarray, np.ndarray]:
    """Which lamp (0 red, 1 amber, 2 green; -1 none) each pixel shows and
    whether it is the lit one."""
    cx, bottom, top, lit = px.params[:, :4].T
    lamp = np.full(px.size, -1)
    for index, height in enumerate((0.8, 0.5, 0.2)):
        centre = bottom + height * (top - bottom)
        lamp[np.hypot(px.s - cx, px.t - centre) < 0.11] = index
    return lamp, lamp == lit

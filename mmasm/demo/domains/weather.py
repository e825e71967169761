"""Weather and light on a rendered scene: what turns the photo-like day
target into overcast, dusk, night, fog, rain and snow.

Each effect maps the scene's linear radiance (``(H, W, 3)`` float32, before
the camera) to another, using the layout's geometry (:class:`SceneMaps`:
depth, the plane and world position of every pixel, class ids) so that fog
thickens with depth, snow lies on the ground, street lamps light what is
near them and wet roads mirror what stands on them. Labels never change:
the weather is appearance only.
"""
from dataclasses import dataclass

import cv2
import numpy as np

from . import classes as C
from .layout import SceneLayout
from .projection import PLANE_GROUND, PLANE_X, PLANE_Z
from .target_style import fractal_noise


@dataclass
class SceneMaps:
    """Per-pixel geometry of a layout, ``(H, W)`` each; ``world`` is
    ``(H, W, 3)`` metres (X right, Y up, Z forward; sky: NaN)."""
    label: np.ndarray
    depth: np.ndarray
    plane: np.ndarray
    world: np.ndarray
    horizon: float

    @classmethod
    def of(cls, layout: SceneLayout) -> 'SceneMaps':
        maps = layout.pixel_maps()
        plane, value = maps['plane'], maps['plane_value'].astype(np.float32)
        s, t = maps['s'], maps['t']
        world = np.full(s.shape + (3, ), np.nan, np.float32)
        for kind, xyz in ((PLANE_GROUND, (s, np.zeros_like(s), t)),
                          (PLANE_X, (value, t, s)), (PLANE_Z, (s, t, value))):
            mask = plane == kind
            world[mask] = np.stack([a[mask] for a in xyz], axis=1)
        return cls(layout.label, maps['depth'], plane, world, layout.camera.cy)

    @property
    def sky(self) -> np.ndarray:
        return self.label == C.SKY

    @property
    def ground(self) -> np.ndarray:
        return self.plane == PLANE_GROUND

    def rows(self) -> np.ndarray:
        """``(H, 1, 1)`` image row / horizon row (0 at the top)."""
        height = self.label.shape[0]
        return (np.arange(height, dtype=np.float32)[:, None, None] + 0.5) \
            / max(self.horizon, 1.0)


def sky_gradient(maps: SceneMaps, top, horizon) -> np.ndarray:
    """``(H, W, 3)``: ``top`` colour at the image top to ``horizon`` at the
    horizon row."""
    weight = np.clip(maps.rows(), 0, 1)**0.8
    colour = np.float32(top) * (1 - weight) + np.float32(horizon) * weight
    return np.broadcast_to(colour, maps.label.shape + (3, ))


def with_sky(radiance: np.ndarray, maps: SceneMaps, sky) -> np.ndarray:
    return np.where(maps.sky[..., None], sky, radiance).astype(np.float32)


def haze(radiance: np.ndarray, maps: SceneMaps, visibility: float,
         colour) -> np.ndarray:
    """Aerial perspective: ``colour`` mixed in by ``1 - exp(-depth /
    visibility)`` (the sky is all haze)."""
    amount = 1 - np.exp(-maps.depth / visibility)[..., None]
    return (radiance * (1 - amount) + np.float32(colour) * amount).astype(
        np.float32)


def glow(shape, centres, radii, colours) -> np.ndarray:
    """``(H, W, 3)`` sum of Gaussian light blobs (``centres`` (N, 2) u, v)."""
    height, width = shape
    v, u = np.mgrid[0:height, 0:width].astype(np.float32) + 0.5
    light = np.zeros((height, width, 3), np.float32)
    for (cu, cv), radius, colour in zip(centres, radii, colours):
        blob = np.exp(-((u - cu)**2 + (v - cv)**2) / (2 * radius**2))
        light += blob[..., None] * np.float32(colour)
    return light


def instance_boxes(layout: SceneLayout, class_id: int):
    """Pixel boxes ``(u0, v0, u1, v1)`` of the visible ``class_id``
    instances."""
    boxes = []
    ids = np.unique(layout.instance[layout.label == class_id])
    for instance in ids:
        v, u = np.nonzero(layout.instance == instance)
        if u.size >= 4:
            boxes.append((u.min(), v.min(), u.max() + 1, v.max() + 1))
    return boxes


def overcast(radiance, layout, rng):
    """Flat light from a grey sky: low contrast, no sun, no blue."""
    maps = SceneMaps.of(layout)
    grey = rng.uniform(0.62, 0.78)
    flat = radiance * rng.uniform(0.7, 0.85) + 0.04
    flat = 0.8 * flat + 0.2 * flat.mean(axis=2, keepdims=True)
    sky = sky_gradient(maps, [grey * 0.95] * 3, [grey + 0.1] * 3)
    return haze(
        with_sky(flat, maps, sky), maps, rng.uniform(300, 600), [grey] * 3)


def dusk(radiance, layout, rng):
    """Low warm sun after sunset: an orange-magenta cast, a dim scene and a
    sky from violet to orange."""
    maps = SceneMaps.of(layout)
    cast = np.float32([1.2, 0.78, 0.55]) * rng.uniform(0.35, 0.55)
    sky = sky_gradient(maps,
                       np.float32([0.18, 0.14, 0.35]) * rng.uniform(0.8, 1.2),
                       [1.0, 0.55, 0.25])
    return haze(
        with_sky(radiance * cast, maps, sky), maps, rng.uniform(200, 500),
        [0.55, 0.32, 0.22])


def fog(radiance, layout, rng):
    """Thick fog: visibility 25-70 m, far things vanish into grey-white."""
    maps = SceneMaps.of(layout)
    colour = np.float32([0.78, 0.80, 0.82]) * rng.uniform(0.85, 1.05)
    dimmed = radiance * rng.uniform(0.6, 0.8) + 0.03
    return haze(dimmed, maps, rng.uniform(25, 70), colour)


def street_lamps(maps: SceneMaps, rng) -> np.ndarray:
    """``(N, 3)`` lamp heads along both kerbs, every 20-35 m."""
    spacing, start = rng.uniform(20, 35), rng.uniform(2, 15)
    rows = []
    for side in (-1, 1):
        x = side * rng.uniform(5, 9)
        rows += [(x, 6.0, z) for z in np.arange(start, 250, spacing)]
    return np.float32(rows)


def lamp_light(maps: SceneMaps, lamps: np.ndarray, colour) -> np.ndarray:
    """``(H, W, 3)`` light the lamps throw on each surface point."""
    world = np.nan_to_num(maps.world, nan=1e6)
    light = np.zeros(maps.label.shape, np.float32)
    for lamp in lamps:
        distance2 = ((world - lamp)**2).sum(axis=2)
        light += 30.0 / (distance2 + 15.0)
    return light[..., None] * np.float32(colour)


def project(layout: SceneLayout, points: np.ndarray):
    """Pixel centres and depths of world ``points`` in front of the
    camera and inside the image."""
    camera = layout.camera
    uv = camera.project(points)
    inside = (points[:, 2] > 1) & (uv[:, 0] > -5) & (
        uv[:, 0] < camera.image_width + 5) & (uv[:, 1] > -5) & (
            uv[:, 1] < camera.image_height + 5)
    return uv[inside], points[inside, 2]


def night(radiance, layout, rng):
    """Night: a dark blue ambient, sodium street lamps lighting the ground
    and facades near them (with their glare), car lights, glowing
    traffic lights, a black sky with the city's orange glow."""
    maps = SceneMaps.of(layout)
    ambient = radiance * np.float32([0.5, 0.6, 0.9]) * rng.uniform(0.015, 0.03)
    sodium = np.float32([1.0, 0.62, 0.28])
    lamps = street_lamps(maps, rng)
    lit = ambient + radiance * lamp_light(maps, lamps, sodium) * 0.8
    lamp_glow = np.where(maps.label[..., None] == C.TRAFFIC_LIGHT,
                         radiance * 1.2, 0)
    uv, depth = project(layout, lamps)
    focal = layout.camera.focal
    flare = glow(maps.label.shape, uv, np.maximum(0.25 * focal / depth, 0.6),
                 [sodium * 0.8] * len(uv))
    centres, radii, colours = [], [], []
    for u0, v0, u1, v1 in instance_boxes(layout, C.CAR):
        colour = [1.0, 0.95, 0.8] if rng.random() < 0.5 else [0.9, 0.05, 0.02]
        width, row = u1 - u0, v0 + 0.6 * (v1 - v0)
        for u in (u0 + 0.15 * width, u1 - 0.15 * width):
            centres.append((u, row))
            radii.append(max(0.06 * width, 0.6))
            colours.append(colour)
    cars = glow(maps.label.shape, centres, radii, colours) * 1.5
    sky = sky_gradient(maps, [0.004, 0.005, 0.012], [0.05, 0.035, 0.02])
    image = with_sky(lit + lamp_glow, maps, sky) + flare + cars
    return haze(image, maps, rng.uniform(300, 800), [0.03, 0.025, 0.02])


def streaks(shape, rng, count, length, angle, brightness) -> np.ndarray:
    """``(H, W)`` float32 thin slanted lines (rain), motion-blurred."""
    height, width = shape
    layer = np.zeros(shape, np.float32)
    starts = rng.uniform((0, 0), (width, height), (count, 2))
    lengths = rng.uniform(0.5, 1.0, count) * length
    values = rng.uniform(0.4, 1.0, count) * brightness
    for (u, v), size, value in zip(starts, lengths, values):
        end = (u + size * np.sin(angle), v + size * np.cos(angle))
        cv2.line(layer, (int(u), int(v)), (int(end[0]), int(end[1])),
                 float(value), 1, cv2.LINE_AA)
    return cv2.GaussianBlur(layer, (0, 0), 0.6)


def reflection(radiance: np.ndarray, maps: SceneMaps) -> np.ndarray:
    """``(H, W, 3)``: each ground pixel sees the image mirrored about the
    horizon (what a wet road mirrors), blurred vertically."""
    height = radiance.shape[0]
    rows = np.arange(height)
    mirrored = np.clip(np.round(2 * maps.horizon - rows - 1), 0,
                       height - 1).astype(int)
    mirror = cv2.GaussianBlur(
        radiance[mirrored], (0, 0), sigmaX=1.0, sigmaY=2.5)
    return np.where(maps.ground[..., None], mirror, 0).astype(np.float32)


def rain(radiance, layout, rng):
    """Rain: overcast and dim, wet dark ground with puddles mirroring the
    street, grey veiling and falling streaks."""
    maps = SceneMaps.of(layout)
    dim = radiance * rng.uniform(0.45, 0.65)
    puddles = np.clip(fractal_noise(rng, maps.label.shape) * 1.5 + 0.5, 0, 1)
    wetness = np.where(maps.ground, 0.25 + 0.45 * puddles, 0)[..., None]
    wet = dim * (1 - 0.5 * wetness) + reflection(dim, maps) * wetness
    sky = sky_gradient(maps, [0.32, 0.34, 0.36], [0.5, 0.52, 0.54])
    veiled = haze(
        with_sky(wet, maps, sky), maps, rng.uniform(120, 250),
        [0.45, 0.47, 0.5])
    height = maps.label.shape[0]
    layer = streaks(maps.label.shape, rng, int(rng.integers(250, 500)),
                    height * 0.12, rng.uniform(-0.35, 0.35), 0.35)
    return (veiled * (1 - layer[..., None]) + 0.8 * layer[..., None]).astype(
        np.float32)


def snow(radiance, layout, rng):
    """Snow: white cover on the ground (patchy on the road, where tyres
    clear it), on the tops of hedges and trees; a white sky and falling
    flakes."""
    maps = SceneMaps.of(layout)
    white = np.float32([0.86, 0.88, 0.93])
    patches = np.clip(fractal_noise(rng, maps.label.shape) * 2 + 0.5, 0, 1)
    label = maps.label
    cover = np.select([
        label == C.ROAD,
        (label == C.SIDEWALK) | (label == C.TERRAIN), label == C.VEGETATION
    ], [patches * rng.uniform(0.3, 0.7), 0.7 + 0.3 * patches, 0.5 * patches],
                      0.0)[..., None]
    dim = radiance * rng.uniform(0.6, 0.8) + 0.03
    snowy = dim * (1 - cover) + white * cover * rng.uniform(0.75, 0.95)
    sky = sky_gradient(maps, [0.72, 0.74, 0.78], [0.85, 0.86, 0.88])
    image = haze(
        with_sky(snowy, maps, sky), maps, rng.uniform(120, 300),
        [0.82, 0.83, 0.86])
    height, width = label.shape
    flakes = np.zeros(label.shape, np.float32)
    for u, v in rng.uniform((0, 0), (width, height),
                            (int(rng.integers(150, 400)), 2)):
        cv2.circle(flakes, (int(u), int(v)), int(rng.integers(0, 2)),
                   float(rng.uniform(0.5, 1.0)), -1, cv2.LINE_AA)
    flakes = cv2.GaussianBlur(flakes, (0, 0), 0.5)[..., None]
    return (image * (1 - flakes) + 0.95 * flakes).astype(np.float32)

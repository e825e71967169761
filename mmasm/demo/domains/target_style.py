"""The target domain's look: surfaces made of photographed textures, lit by
a sun with cast shadows, a cloudy sky and aerial haze.

Road = gravel (dark, low contrast, as asphalt), sidewalk = brick pavers,
facades = bricks or plaster (coarse gravel), terrain = grass, tree crowns
and hedges = grass seen from further away, all at metric scales through the
layout's surface coordinates. :mod:`.camera` then adds what a real camera
does. The real domain of the demo pair, the part Cityscapes plays.
"""
from typing import Callable, Dict, Optional

import cv2
import numpy as np

from . import classes as C
from . import materials as M
from .layout import SceneLayout
from .projection import PLANE_GROUND, PLANE_Z
from .shading import (PixelSet, facade_windows, jitter, lane_lines, mix, pick,
                      shade, sign_face, traffic_lamps)
from .textures import load_target_textures

BRICK_COLOURS = [(0.55, 0.27, 0.20), (0.62, 0.40, 0.30), (0.45, 0.25, 0.22),
                 (0.70, 0.58, 0.45)]
PLASTER_COLOURS = [(0.78, 0.74, 0.66), (0.70, 0.66, 0.60), (0.82, 0.76, 0.62),
                   (0.60, 0.60, 0.60), (0.74, 0.62, 0.52)]
CAR_COLOURS = [(0.55, 0.56, 0.58), (0.05, 0.05, 0.06), (0.80, 0.80, 0.80),
               (0.35, 0.36, 0.38), (0.45, 0.06, 0.06), (0.08, 0.14, 0.35),
               (0.20, 0.22, 0.26)]
CLOTH_COLOURS = [(0.10, 0.10, 0.12), (0.15, 0.18, 0.30), (0.40, 0.38, 0.35),
                 (0.70, 0.68, 0.64), (0.45, 0.12, 0.10), (0.25, 0.30, 0.20)]
SKIN_COLOURS = [(0.80, 0.60, 0.48), (0.62, 0.44, 0.32), (0.36, 0.24, 0.16)]
SIGN_COLOURS = [(0.70, 0.10, 0.10), (0.08, 0.25, 0.60), (0.85, 0.62, 0.05)]
LAMP_COLOURS = np.array([(1.0, 0.2, 0.1), (1.0, 0.65, 0.1), (0.2, 1.0, 0.6)],
                        np.float32)


def fractal_noise(rng: np.random.Generator, shape, octaves=5) -> np.ndarray:
    """``shape`` float32 noise in about [-1, 1], smooth at large scales."""
    height, width = shape
    noise = np.zeros(shape, np.float32)
    for octave in range(octaves):
        cells = 2**(octave + 1)
        coarse = rng.standard_normal((cells, cells * 2)).astype(np.float32)
        noise += cv2.resize(
            coarse,
            (width, height), interpolation=cv2.INTER_CUBIC) / 1.8**octave
    return noise / 2.0


class TargetLook:
    """The per-image random choices of the photo-like rendering: sun side,
    shadow line, sky, haze. ``overcast`` forces (True) or forbids (False)
    the cloudy sky and flat light that 30 % of images draw (None)."""

    def __init__(self,
                 rng: np.random.Generator,
                 shape,
                 overcast: Optional[bool] = None):
        self.textures = load_target_textures()
        self.sun_side = 1 if rng.random() < 0.5 else -1
        self.shadow_x = self.sun_side * rng.uniform(1.5, 12.0)
        drawn = rng.random() < 0.3  # drawn either way: same stream after
        self.overcast = drawn if overcast is None else overcast
        self.clouds = fractal_noise(rng, shape)
        self.cloud_cover = rng.uniform(-0.4, 0.5)
        self.visibility = rng.uniform(250, 1200)
        self.sky_top = np.float32([0.80, 0.82, 0.85] if self.overcast else
                                  [0.30, 0.48, 0.78]) * rng.uniform(0.9, 1.1)
        self.sky_horizon = np.float32(
            [0.88, 0.88, 0.87] if self.overcast else [0.75, 0.82, 0.90])

    def tex(self, name: str, px: PixelSet, s=None, t=None, sharpness=0.0):
        texture = self.textures[name]
        return texture.sample(px.s if s is None else s,
                              px.t if t is None else t, px.footprint,
                              sharpness)[:, None]

    # ------------------------------------------------------------ shaders
    def sky(self, px: PixelSet) -> np.ndarray:
        height = np.clip(px.v / max(px.horizon, 1.0), 0, 1)[:, None]**0.7
        colour = self.sky_top * (1 - height) + self.sky_horizon * height
        clouds = self.clouds[px.v.astype(int), px.u.astype(int)]
        cover = np.clip((clouds + self.cloud_cover) * 2.5, 0, 1)[:, None]
        cloud = np.float32([0.93, 0.93, 0.95]) * (
            0.8 + 0.2 * np.clip(clouds[:, None] + 0.5, 0, 1))
        return mix(colour, cloud, cover[:, 0] * 0.9)

    def road(self, px: PixelSet) -> np.ndarray:
        grey = jitter(np.float32([[0.24, 0.24, 0.25]]), px.tint, 0.08)
        stains = self.tex('stains', px)
        asphalt = grey * (1 + 0.12 * self.tex('asphalt', px) + 0.12 * stains)
        paint = np.float32([[0.80, 0.80, 0.76]]) * (
            1 + 0.1 * self.tex('asphalt', px, sharpness=1))
        wear = np.clip(0.75 + 0.25 * stains[:, 0], 0, 1)
        return mix(asphalt, paint, lane_lines(px) * wear)

    def sidewalk(self, px: PixelSet) -> np.ndarray:
        base = jitter(np.float32([[0.52, 0.50, 0.47]]), px.tint, 0.06)
        return base * (1 + 0.25 * self.tex('pavement', px) +
                       0.08 * self.tex('stains', px))

    def terrain(self, px: PixelSet) -> np.ndarray:
        dry = px.tint[:, :1]
        base = (1 - dry) * np.float32([[0.22, 0.30, 0.10]]) + dry * np.float32(
            [[0.36, 0.36, 0.18]])
        return base * (1 + 0.4 * self.tex('grass', px))

    def facade(self, px: PixelSet) -> np.ndarray:
        bricks = px.tint[:, 1:2] < 0.45
        brick = pick(BRICK_COLOURS,
                     px.tint[:, 0]) * (1 + 0.3 * self.tex('bricks', px))
        plaster = jitter(pick(PLASTER_COLOURS, px.tint[:, 0]), px.tint,
                         0.04) * (1 + 0.05 * self.tex('plaster', px) +
                                  0.08 * self.tex('stains', px))
        wall = np.where(bricks, brick, plaster)
        wall = wall * (0.8 + 0.2 * np.clip(px.t / 3, 0, 1))[:, None]
        window, frame, shop, visible = facade_windows(px)
        origin, spacing, floor = px.params[:, :3].T
        pane = np.sin(
            np.floor((px.s - origin) / spacing) * 12.99 +
            np.floor(px.t / floor) * 78.23) * 43758.5
        reflect = (pane - np.floor(pane))[:, None]
        glass = (
            np.float32([[0.06, 0.07, 0.09]]) * (1 - reflect) +
            self.sky_horizon * 0.55 * reflect)
        glass = glass * (1 + 0.3 * np.clip(
            px.t - np.floor(px.t / floor) * floor, 0, 3)[:, None] / 3)
        detailed = np.where(window[:, None] | shop[:, None], glass, wall)
        detailed = np.where(frame[:, None], np.float32(0.8), detailed)
        return mix(mix(wall, glass, 0.25), detailed, visible)

    def wall(self, px: PixelSet) -> np.ndarray:
        return jitter(np.float32([[0.62, 0.60, 0.56]]), px.tint, 0.05) * (
            1 + 0.1 * self.tex('plaster', px) + 0.1 * self.tex('stains', px))

    def fence(self, px: PixelSet) -> np.ndarray:
        posts = (np.mod(px.s, 2.5) < 0.1)[:, None]
        mesh = np.float32([[0.40, 0.42, 0.42]]) * (
            1 + 0.35 * self.tex('asphalt', px, sharpness=1))
        return np.where(posts, np.float32([[0.3, 0.31, 0.32]]), mesh)

    def metal(self, px: PixelSet) -> np.ndarray:
        base = jitter(np.float32([[0.42, 0.43, 0.45]]), px.tint, 0.1)
        return base * (0.85 + 0.05 * np.clip(px.t, 0, 6)[:, None] / 2)

    def sign(self, px: PixelSet) -> np.ndarray:
        border = pick(SIGN_COLOURS, px.tint[:, 0])
        face = mix(border, np.full_like(border, 0.82), sign_face(px))
        return face * (1 + 0.05 * self.tex('asphalt', px))

    def traffic_light(self, px: PixelSet) -> np.ndarray:
        lamp, lit = traffic_lamps(px)
        colour = np.full((px.size, 3), 0.05, np.float32)
        shown = lamp >= 0
        colour[shown] = LAMP_COLOURS[lamp[shown]] * np.where(
            lit[shown], 1.3, 0.15)[:, None]
        return colour

    def foliage(self, px: PixelSet) -> np.ndarray:
        hue = px.tint[:, :1]
        base = (1 - hue) * np.float32([[0.10, 0.20, 0.06]]) + hue * np.float32(
            [[0.22, 0.30, 0.10]])
        return base * (1 + 0.55 * self.tex('leaves', px))

    def bark(self, px: PixelSet) -> np.ndarray:
        return np.float32([[0.20, 0.16, 0.12]
                           ]) * (1 + 0.3 * self.tex('bark', px))

    def car_paint(self, px: PixelSet) -> np.ndarray:
        paint = pick(CAR_COLOURS, px.tint[:, 0])
        sheen = np.clip((px.t - 0.6) / 0.6, 0, 1) * 0.35
        return mix(paint, self.sky_horizon[None] * 0.8, sheen)

    def glass(self, px: PixelSet) -> np.ndarray:
        sheen = np.clip((px.t - 1.0) / 0.6, 0, 1) * 0.3 + 0.1 * px.tint[:, 0]
        dark = np.repeat(np.float32([[0.04, 0.05, 0.06]]), px.size, axis=0)
        return mix(dark, self.sky_horizon[None], sheen)

    def fabric(self, palette) -> Callable[[PixelSet], np.ndarray]:

        def shader(px: PixelSet) -> np.ndarray:
            return pick(palette, px.tint[:, 0]) * (
                1 + 0.12 * self.tex('grass', px, s=px.s * 4, t=px.t * 4))

        return shader

    def distant(self, px: PixelSet) -> np.ndarray:
        trees = (px.class_id == C.VEGETATION)[:, None]
        return np.where(trees, np.float32([[0.18, 0.24, 0.16]]),
                        np.float32([[0.45, 0.46, 0.48]]))

    def shaders(self) -> Dict[int, Callable[[PixelSet], np.ndarray]]:
        tyre = np.float32([[0.035, 0.035, 0.035]])
        return {
            M.SKY: self.sky,
            M.ROAD: self.road,
            M.SIDEWALK: self.sidewalk,
            M.TERRAIN: self.terrain,
            M.FACADE: self.facade,
            M.WALL: self.wall,
            M.FENCE: self.fence,
            M.POLE: self.metal,
            M.SIGN: self.sign,
            M.TRAFFIC_LIGHT: self.traffic_light,
            M.FOLIAGE: self.foliage,
            M.BARK: self.bark,
            M.CAR_PAINT: self.car_paint,
            M.GLASS: self.glass,
            M.TYRE: lambda px: np.repeat(tyre, px.size, axis=0),
            M.SKIN: self.fabric(SKIN_COLOURS),
            M.CLOTH: self.fabric(CLOTH_COLOURS),
            M.DISTANT: self.distant
        }

    # ----------------------------------------------------------- lighting
    def lit(self, shader, material):
        """``shader`` under the sun: facades facing away from it and the
        ground in the shadow of the buildings on its side are darker and
        bluer; then aerial haze by depth."""

        def shaded(px: PixelSet) -> np.ndarray:
            colour = shader(px)
            if material == M.SKY:
                return colour
            sun = np.float32([1.0, 0.97, 0.9])
            shadow = np.float32([0.42, 0.48, 0.6])
            if self.overcast:
                sun = shadow = np.float32([0.75, 0.76, 0.78])
            across = self.sun_side * (px.s - self.shadow_x)
            in_shadow = np.where(
                px.plane == PLANE_GROUND, np.clip(across / 0.3 + 0.5, 0, 1),
                np.where(px.plane == PLANE_Z, 0.35,
                         (px.side_facing() == self.sun_side) * 1.0))
            light = mix(sun[None], shadow[None], in_shadow)
            haze = 1 - np.exp(-px.depth / self.visibility)
            return mix(colour * light, self.sky_horizon[None], haze)

        return shaded


def render_target_radiance(layout: SceneLayout,
                           rng: np.random.Generator,
                           overcast: Optional[bool] = None) -> np.ndarray:
    """``(H, W, 3)`` float32 linear RGB of ``layout`` (before the camera);
    ``overcast`` as in :class:`TargetLook`."""
    look = TargetLook(rng, layout.label.shape, overcast)
    shaders = {
        material: look.lit(shader, material)
        for material, shader in look.shaders().items()
    }
    return shade(layout, shaders)

"""The source domain's look: a video game's flat, simply shaded colours.

Every instance gets one flat colour (a class colour jittered by its tint,
or picked from a small palette), lit by one sun direction per image (facades
on one side of the street brighter than the other), with painted details
(windows, lane lines, sign faces, lamps) as flat shapes. No texture, no
camera: the synthetic domain of the demo pair, the part GTA5 plays.
"""
import numpy as np

from . import classes as C
from . import materials as M
from .layout import SceneLayout
from .projection import PLANE_Z
from .shading import (PixelSet, facade_windows, jitter, lane_lines, mix, pick,
                      shade, sign_face, traffic_lamps)

FACADE_COLOURS = [(0.80, 0.72, 0.56), (0.66, 0.33, 0.25), (0.62, 0.62, 0.64),
                  (0.88, 0.85, 0.78), (0.52, 0.44, 0.36), (0.75, 0.60, 0.45)]
CAR_COLOURS = [(0.75, 0.08, 0.08), (0.10, 0.20, 0.65), (0.92, 0.92, 0.92),
               (0.08, 0.08, 0.09), (0.60, 0.62, 0.65), (0.90, 0.75, 0.10),
               (0.10, 0.45, 0.20)]
CLOTH_COLOURS = [(0.15, 0.18, 0.35), (0.75, 0.15, 0.15), (0.20, 0.20, 0.20),
                 (0.85, 0.85, 0.80), (0.30, 0.50, 0.25), (0.85, 0.60, 0.15)]
SKIN_COLOURS = [(0.95, 0.78, 0.62), (0.78, 0.55, 0.40), (0.45, 0.30, 0.20)]
SIGN_COLOURS = [(0.85, 0.10, 0.10), (0.10, 0.30, 0.80), (0.95, 0.75, 0.05)]
LAMP_COLOURS = np.array([(1.0, 0.1, 0.05), (1.0, 0.7, 0.05), (0.1, 1.0, 0.4)],
                        np.float32)


def flat(colour, amount=0.08):
    """A shader: ``colour`` jittered per instance by ``amount``."""
    colour = np.asarray(colour, np.float32)
    return lambda px: jitter(colour[None], px.tint, amount)


def sky(px: PixelSet) -> np.ndarray:
    height = np.clip(px.v / max(px.horizon, 1.0), 0, 1)[:, None]
    top, bottom = np.array([[0.30, 0.55, 0.92]]), np.array([[0.72, 0.85, 1.0]])
    return (top * (1 - height) + bottom * height).astype(np.float32)


def road(px: PixelSet) -> np.ndarray:
    base = np.full((px.size, 3), (0.30, 0.30, 0.33), np.float32)
    return mix(base, np.array([[0.92, 0.92, 0.88]], np.float32),
               lane_lines(px))


def facade(px: PixelSet) -> np.ndarray:
    wall = jitter(pick(FACADE_COLOURS, px.tint[:, 0]), px.tint, 0.05)
    window, frame, shop, visible = facade_windows(px)
    glass = np.array([[0.25, 0.35, 0.50]], np.float32)
    detailed = np.where(window[:, None] | shop[:, None], glass, wall)
    detailed = np.where(frame[:, None], np.float32(0.9), detailed)
    average = mix(wall, glass, 0.25)
    return mix(average, detailed, visible)


def sign(px: PixelSet) -> np.ndarray:
    border = pick(SIGN_COLOURS, px.tint[:, 0])
    return mix(border, np.full_like(border, 0.95), sign_face(px))


def traffic_light(px: PixelSet) -> np.ndarray:
    lamp, lit = traffic_lamps(px)
    colour = np.full((px.size, 3), 0.12, np.float32)
    shown = lamp >= 0
    colour[shown] = LAMP_COLOURS[lamp[shown]] * np.where(
        lit[shown], 1.0, 0.25)[:, None]
    return colour


def distant(px: PixelSet) -> np.ndarray:
    trees = (px.class_id == C.VEGETATION)[:, None]
    return np.where(trees, np.float32([[0.35, 0.50, 0.35]]),
                    np.float32([[0.58, 0.62, 0.70]]))


SHADERS = {
    M.SKY: sky,
    M.ROAD: road,
    M.SIDEWALK: flat((0.64, 0.62, 0.60), 0.03),
    M.TERRAIN: flat((0.45, 0.62, 0.25), 0.06),
    M.FACADE: facade,
    M.WALL: flat((0.70, 0.66, 0.60)),
    M.FENCE: flat((0.48, 0.50, 0.54)),
    M.POLE: flat((0.50, 0.50, 0.54), 0.05),
    M.SIGN: sign,
    M.TRAFFIC_LIGHT: traffic_light,
    M.FOLIAGE: flat((0.22, 0.50, 0.16), 0.15),
    M.BARK: flat((0.42, 0.31, 0.20)),
    M.CAR_PAINT: lambda px: pick(CAR_COLOURS, px.tint[:, 0]),
    M.GLASS: flat((0.15, 0.20, 0.28), 0.05),
    M.TYRE: flat((0.07, 0.07, 0.07), 0.0),
    M.SKIN: lambda px: pick(SKIN_COLOURS, px.tint[:, 0]),
    M.CLOTH: lambda px: pick(CLOTH_COLOURS, px.tint[:, 0]),
    M.DISTANT: distant,
}


def render_source(layout: SceneLayout, rng: np.random.Generator) -> np.ndarray:
    """``(H, W, 3)`` uint8 RGB: the game-like rendering of ``layout``."""
    sun_side = 1 if rng.random() < 0.5 else -1
    shaders = {
        material: lit(shader, sun_side, material)
        for material, shader in SHADERS.items()
    }
    image = shade(layout, shaders)
    return np.clip(image * 255 + 0.5, 0, 255).astype(np.uint8)


def lit(shader, sun_side, material):
    """``shader`` times the game's simple sun lighting (not for the sky or
    the ground)."""
    if material in (M.SKY, M.ROAD, M.SIDEWALK, M.TERRAIN, M.DISTANT):
        return shader

    def shaded(px: PixelSet) -> np.ndarray:
        light = np.where(px.plane == PLANE_Z, 0.9,
                         np.where(px.side_facing() == sun_side, 0.72, 1.0))
        return shader(px) * light[:, None].astype(np.float32)

    return shaded

"""A label map and an instance map drawn together, polygon by polygon.

Polygons are filled without anti-aliasing (the label map stays exact) at
1/16-pixel vertex precision, later polygons over earlier ones (painter's
order). Every fill is one instance: its class (Cityscapes train id), its
material, the plane it lies in (for texture coordinates), a random tint and
material parameters; :meth:`LabelCanvas.instance_table` returns them as
arrays indexed by the instance map.
"""
from dataclasses import dataclass
from typing import Sequence

import cv2
import numpy as np

from .materials import NUM_PARAMS
from .projection import (PLANE_GROUND, PLANE_SCREEN, PLANE_X, PLANE_Z,
                         PinholeCamera)

SHIFT = 4
MAX_COORD = 1e6  # pixels; far beyond the image, keeps int32 fixed point safe
NEAR = 1.0  # metres: nothing is drawn closer to the camera


@dataclass
class InstanceTable:
    """Per-instance attributes, row ``i`` for instance id ``i``."""
    class_id: np.ndarray  # (N,) uint8 Cityscapes train ids
    material: np.ndarray  # (N,) int32
    plane_type: np.ndarray  # (N,) int32, PLANE_*
    plane_value: np.ndarray  # (N,) float32
    tint: np.ndarray  # (N, 3) float32 in [0, 1)
    params: np.ndarray  # (N, NUM_PARAMS) float32


class LabelCanvas:
    """Train-id and instance maps of one image seen by ``camera``."""

    def __init__(self, camera: PinholeCamera, rng: np.random.Generator,
                 background_class: int, background_material: int):
        self.camera = camera
        self.rng = rng
        shape = (camera.image_height, camera.image_width)
        self.label = np.full(shape, background_class, dtype=np.uint8)
        self.instance = np.zeros(shape, dtype=np.int32)
        self._rows = []
        self._add_instance(background_class, background_material, PLANE_SCREEN,
                           0.0, None)

    def _add_instance(self,
                      class_id,
                      material,
                      plane_type,
                      plane_value,
                      params,
                      tint=None) -> int:
        row = np.zeros(NUM_PARAMS, dtype=np.float32)
        if params is not None:
            row[:len(params)] = params
        tint = self.rng.random(3) if tint is None else tint
        self._rows.append(
            (class_id, material, plane_type, plane_value, tint, row))
        return len(self._rows) - 1

    def fill_pixels(self,
                    polygon_uv: np.ndarray,
                    class_id: int,
                    material: int,
                    plane_type: int,
                    plane_value: float,
                    params: Sequence[float] = None,
                    tint=None) -> int:
        """Fill one polygon given in pixel coordinates; return its id.
        ``tint`` (3 numbers in [0, 1)) defaults to a random one."""
        index = self._add_instance(class_id, material, plane_type, plane_value,
                                   params, tint)
        points = np.clip(polygon_uv, -MAX_COORD, MAX_COORD) * (1 << SHIFT)
        points = [np.round(points).astype(np.int32)]
        cv2.fillPoly(self.label, points, int(class_id), cv2.LINE_8, SHIFT)
        cv2.fillPoly(self.instance, points, index, cv2.LINE_8, SHIFT)
        return index

    def fill_world(self,
                   points: np.ndarray,
                   class_id: int,
                   material: int,
                   plane_type: int,
                   plane_value: float,
                   params: Sequence[float] = None,
                   tint=None) -> int:
        """Fill a planar world polygon ``(N, 3)`` (all Z >= NEAR)."""
        return self.fill_pixels(
            self.camera.project(points), class_id, material, plane_type,
            plane_value, params, tint)

    def ground_quad(self, x0, x1, z0, z1, class_id, material, params=None):
        """The ground rectangle ``x0..x1`` by ``z0..z1`` (clipped at NEAR)."""
        z0 = max(z0, NEAR)
        if z1 <= z0:
            return
        points = [(x0, 0, z0), (x1, 0, z0), (x1, 0, z1), (x0, 0, z1)]
        self.fill_world(
            np.array(points), class_id, material, PLANE_GROUND, 0.0, params)

    def side_polygon(self,
                     x,
                     zy_points,
                     class_id,
                     material,
                     params=None,
                     tint=None):
        """A polygon in the plane ``X = x`` from ``(Z, Y)`` vertices (the
        caller keeps Z >= NEAR)."""
        zy = np.asarray(zy_points, dtype=np.float64)
        points = np.stack([np.full(len(zy), x), zy[:, 1], zy[:, 0]], axis=1)
        self.fill_world(points, class_id, material, PLANE_X, x, params, tint)

    def front_polygon(self,
                      z,
                      xy_points,
                      class_id,
                      material,
                      params=None,
                      tint=None):
        """A polygon in the plane ``Z = z`` from ``(X, Y)`` vertices."""
        if z < NEAR:
            return
        xy = np.asarray(xy_points, dtype=np.float64)
        points = np.stack([xy[:, 0], xy[:, 1], np.full(len(xy), z)], axis=1)
        self.fill_world(points, class_id, material, PLANE_Z, z, params, tint)

    def box(self, x0, x1, y0, y1, z0, z1, class_id, material, tint=None):
        """The faces of an axis-aligned box the camera sees (it is convex,
        so visible faces never overlap), all with one tint."""
        if z0 < NEAR:
            return
        tint = self.rng.random(3) if tint is None else tint
        if x0 > 0:
            self.side_polygon(
                x0, [(z0, y0), (z1, y0), (z1, y1), (z0, y1)],
                class_id,
                material,
                tint=tint)
        if x1 < 0:
            self.side_polygon(
                x1, [(z0, y0), (z1, y0), (z1, y1), (z0, y1)],
                class_id,
                material,
                tint=tint)
        height = self.camera.height
        for y in ((y1, ) if height > y1 else ()) + ((y0, ) if height < y0 else
                                                    ()):
            # top or bottom face, textured as if seen from the front
            points = np.array([(x0, y, z0), (x1, y, z0), (x1, y, z1),
                               (x0, y, z1)])
            self.fill_world(points, class_id, material, PLANE_Z, z0, tint=tint)
        self.front_polygon(
            z0, [(x0, y0), (x1, y0), (x1, y1), (x0, y1)],
            class_id,
            material,
            tint=tint)

    def instance_table(self) -> InstanceTable:
        columns = list(zip(*self._rows))
        return InstanceTable(
            class_id=np.array(columns[0], dtype=np.uint8),
            material=np.array(columns[1], dtype=np.int32),
            plane_type=np.array(columns[2], dtype=np.int32),
            plane_value=np.array(columns[3], dtype=np.float32),
            tint=np.array(columns[4], dtype=np.float32),
            params=np.array(columns[5], dtype=np.float32))


def ellipse(cx: float,
            cy: float,
            rx: float,
            ry: float,
            num_points: int = 20) -> np.ndarray:
    """``(num_points, 2)`` vertices of an ellipse (for heads, crowns)."""
    angle = np.linspace(0, 2 * np.pi, num_points, endpoint=False)
    return np.stack([cx + rx * np.cos(angle), cy + ry * np.sin(angle)], 1)

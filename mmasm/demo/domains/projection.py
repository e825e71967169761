"""The pinhole camera the demo street scenes are seen through.

World frame: X right, Y up, Z forward (metres), camera at ``(0, height, 0)``
looking along +Z with no roll or pitch, so the horizon is the image row
``cy``. Every surface in a scene is a piece of one of three planes: the
ground ``Y = 0``, a plane ``X = c`` (facades along the street) or a plane
``Z = c`` (everything seen from the front); :meth:`surface_coordinates`
turns a per-pixel plane map into metric coordinates on those planes, which
the appearance models use to place textures, windows and road markings.
"""
from dataclasses import dataclass
from typing import Tuple

import numpy as np

PLANE_SCREEN = 0  # no 3D surface (sky): coordinates are pixels
PLANE_GROUND = 1  # Y = 0: s = X, t = Z
PLANE_X = 2  # X = c: s = Z, t = Y
PLANE_Z = 3  # Z = c: s = X, t = Y

MAX_DEPTH = 2000.0


@dataclass(frozen=True)
class PinholeCamera:
    """Focal length and principal point in pixels, height in metres."""
    focal: float
    cx: float
    cy: float
    height: float
    image_width: int
    image_height: int

    def project(self, points: np.ndarray) -> np.ndarray:
        """``(N, 3)`` world points with Z > 0 -> ``(N, 2)`` pixel (u, v)."""
        points = np.asarray(points, dtype=np.float64)
        depth = points[:, 2]
        u = self.cx + self.focal * points[:, 0] / depth
        v = self.cy - self.focal * (points[:, 1] - self.height) / depth
        return np.stack([u, v], axis=1)

    def pixel_grid(self) -> Tuple[np.ndarray, np.ndarray]:
        """Pixel-centre coordinates ``(u, v)``, each ``(H, W)``."""
        v, u = np.mgrid[0:self.image_height, 0:self.image_width]
        return u + 0.5, v + 0.5

    def surface_coordinates(self, plane_type: np.ndarray,
                            plane_value: np.ndarray):
        """Per pixel: metric surface coordinates ``s, t``, depth ``Z`` and
        footprint (metres of surface one pixel spans, the larger of the two
        directions), all ``(H, W)`` float32. Sky pixels get pixel coordinates,
        depth ``MAX_DEPTH`` and footprint 1."""
        u, v = self.pixel_grid()
        du, dv = u - self.cx, v - self.cy
        f, h = self.focal, self.height
        s, t = u.copy(), v.copy()
        depth = np.full(u.shape, MAX_DEPTH)
        footprint = np.ones(u.shape)

        ground = plane_type == PLANE_GROUND
        z = np.minimum(f * h / np.maximum(dv[ground], 1e-3), MAX_DEPTH)
        s[ground], t[ground], depth[ground] = du[ground] * z / f, z, z
        footprint[ground] = np.maximum(z / f, z * z / (f * h))

        side = plane_type == PLANE_X
        c = plane_value[side]
        ratio = np.where(np.abs(du[side]) > 1e-3, c / du[side], np.inf)
        z = np.clip(f * ratio, 1e-3, MAX_DEPTH)
        s[side], t[side], depth[side] = z, h - dv[side] * z / f, z
        footprint[side] = np.maximum(z / f, z * z / (f * np.abs(c) + 1e-6))

        front = plane_type == PLANE_Z
        z = plane_value[front]
        s[front], t[front] = du[front] * z / f, h - dv[front] * z / f
        depth[front] = z
        footprint[front] = z / f
        return tuple(a.astype(np.float32) for a in (s, t, depth, footprint))

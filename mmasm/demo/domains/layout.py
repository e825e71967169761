"""Random street-scene layouts: the label map and what each pixel is.

A layout is domain-free: both demo domains render the same kind of layouts
(drawn from the same distribution), so the gap between them is appearance
only, as between GTA5 and Cityscapes. The label map is drawn first, without
anti-aliasing; the appearance models then shade each pixel from its
instance's material, tint and surface coordinates, so labels and images are
aligned pixel-exactly.
"""
from dataclasses import dataclass
from typing import Dict

import numpy as np

from . import classes as C
from . import materials as M
from .canvas import InstanceTable, LabelCanvas
from .projection import PinholeCamera
from .street import draw_static_street, random_street
from .street_objects import draw_street_objects, plan_street_objects


@dataclass
class SceneLayout:
    """One scene: Cityscapes train ids and instance ids per pixel, the
    instances' attributes and the camera."""
    camera: PinholeCamera
    label: np.ndarray  # (H, W) uint8 train ids
    instance: np.ndarray  # (H, W) int32 rows of `instances`
    instances: InstanceTable

    def pixel_maps(self) -> Dict[str, np.ndarray]:
        """Per-pixel instance attributes (material, class_id, tint
        (H, W, 3), params (H, W, NUM_PARAMS), plane, plane_value) and
        surface coordinates (s, t, depth, footprint)."""
        table, index = self.instances, self.instance
        s, t, depth, footprint = self.camera.surface_coordinates(
            table.plane_type[index], table.plane_value[index])
        return dict(
            material=table.material[index],
            class_id=table.class_id[index],
            tint=table.tint[index],
            params=table.params[index],
            plane=table.plane_type[index],
            plane_value=table.plane_value[index],
            s=s,
            t=t,
            depth=depth,
            footprint=footprint)


def random_camera(rng: np.random.Generator, width: int,
                  height: int) -> PinholeCamera:
    """A dashboard camera: focal length about Cityscapes' (1.1 x width),
    1.2-1.6 m high, horizon in the upper half, vanishing point near the
    middle."""
    return PinholeCamera(
        focal=width * rng.uniform(0.95, 1.25),
        cx=width * rng.uniform(0.42, 0.58),
        cy=height * rng.uniform(0.36, 0.5),
        height=rng.uniform(1.2, 1.6),
        image_width=width,
        image_height=height)


def random_layout(rng: np.random.Generator, width: int,
                  height: int) -> SceneLayout:
    """A random street scene of ``width`` x ``height`` pixels."""
    camera = random_camera(rng, width, height)
    plan = random_street(rng)
    objects = plan_street_objects(rng, plan)
    canvas = LabelCanvas(camera, rng, C.SKY, M.SKY)
    draw_static_street(canvas, plan, rng)
    draw_street_objects(canvas, objects)
    return SceneLayout(camera, canvas.label, canvas.instance,
                       canvas.instance_table())

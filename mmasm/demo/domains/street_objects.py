"""Things in the street: cars, people, trees, poles, signs, traffic lights,
and the fences, walls and hedges that close the gaps between buildings.

:func:`plan_street_objects` samples them (metric sizes, so perspective sets
their size in the image: near = big and low, far = small and close to the
horizon); :func:`draw_street_objects` draws them back to front.
"""
from dataclasses import dataclass
from functools import partial
from typing import Callable, List

import numpy as np

from . import classes as C
from . import materials as M
from .canvas import NEAR, LabelCanvas, ellipse
from .street import SIDES, StreetPlan

LAYER_BEHIND_GAPS = 0  # trees in the gaps between buildings
LAYER_GAP_BOUNDARY = 1  # fences, walls, hedges along the sidewalk
LAYER_STREET = 2  # everything on the sidewalks and the road


@dataclass
class StreetObject:
    layer: int
    z: float  # nearest Z: objects are drawn far to near within a layer
    draw: Callable[[LabelCanvas], None]


def plan_street_objects(rng: np.random.Generator,
                        plan: StreetPlan) -> List[StreetObject]:
    objects = []
    for side in SIDES:
        objects += plan_gaps(rng, plan, side)
        objects += plan_street_trees(rng, plan, side)
        objects += plan_lamps_and_signs(rng, plan, side)
        objects += plan_people(rng, plan, side)
    objects += plan_traffic_lights(rng, plan)
    objects += plan_cars(rng, plan)
    return objects


def draw_street_objects(canvas: LabelCanvas,
                        objects: List[StreetObject]) -> None:
    for obj in sorted(objects, key=lambda o: (o.layer, -o.z)):
        obj.draw(canvas)


# ---------------------------------------------------------------- planning
def plan_gaps(rng, plan: StreetPlan, side: int) -> List[StreetObject]:
    objects = []
    facade = plan.facade(side)
    for gap in plan.gaps[side > 0]:
        if gap.boundary >= 0 and gap.z1 > NEAR:
            draw = partial(
                draw_boundary,
                x=facade,
                z0=max(gap.z0, NEAR),
                z1=gap.z1,
                kind=gap.boundary,
                height=gap.boundary_height,
                bumps=rng.uniform(-0.25, 0.25, 32))
            objects.append(StreetObject(LAYER_GAP_BOUNDARY, gap.z0, draw))
        depth = gap.back_building[0] - 1.5 if gap.back_building[1] else 10
        for _ in range(int(rng.integers(1, 4))):
            z = rng.uniform(gap.z0 + 1, gap.z1 - 1)
            x = facade + side * rng.uniform(1.5, max(depth, 2.0))
            objects.append(
                StreetObject(
                    LAYER_BEHIND_GAPS, z,
                    partial(draw_tree, **random_tree(rng, x, z, big=True))))
    return objects


def plan_street_trees(rng, plan: StreetPlan, side: int) -> List[StreetObject]:
    if rng.random() > 0.45:
        return []
    if plan.verge[side > 0] > 0:
        x = plan.curb(side) + side * plan.verge[side > 0] / 2
    else:
        x = plan.sidewalk_inner(side) + side * 0.8
    objects, z = [], rng.uniform(2, 10)
    while z < 140:
        objects.append(
            StreetObject(
                LAYER_STREET, z,
                partial(draw_tree, **random_tree(rng, x, z, big=False))))
        z += rng.uniform(7, 14)
    return objects


def random_tree(rng, x, z, big):
    scale = rng.uniform(1.3, 2.0) if big else 1.0
    return dict(
        x=x,
        z=z,
        trunk=rng.uniform(2.0, 3.5) * scale,
        radius=rng.uniform(1.4, 2.8) * scale,
        lobes=rng.uniform(0, 2 * np.pi, 4))


def plan_lamps_and_signs(rng, plan: StreetPlan,
                         side: int) -> List[StreetObject]:
    objects = []
    x = plan.curb(side) + side * 0.45
    z = rng.uniform(3, 20)
    while z < 160:
        sign = random_sign(rng, rng.uniform(2.2, 2.8)) \
            if rng.random() < 0.3 else None
        objects.append(
            StreetObject(
                LAYER_STREET, z,
                partial(
                    draw_lamp,
                    x=x,
                    z=z,
                    height=rng.uniform(6, 9),
                    side=side,
                    sign=sign)))
        z += rng.uniform(18, 35)
    for _ in range(rng.poisson(0.9)):
        z = rng.uniform(3, 50)
        x = plan.sidewalk_inner(side) + side * rng.uniform(0.3, 1.0)
        height = rng.uniform(2.4, 3.0)
        objects.append(
            StreetObject(
                LAYER_STREET, z,
                partial(
                    draw_lamp,
                    x=x,
                    z=z,
                    height=height,
                    side=side,
                    sign=random_sign(rng, height - 0.35),
                    arm=False)))
    return objects


def random_sign(rng, height):
    return dict(
        height=height,
        radius=rng.uniform(0.3, 0.42),
        shape=int(rng.integers(0, 3)))


def plan_traffic_lights(rng, plan: StreetPlan) -> List[StreetObject]:
    if rng.random() > 0.35:
        return []
    z = rng.uniform(10, 45)
    lit = int(rng.integers(0, 3))
    return [
        StreetObject(
            LAYER_STREET, z,
            partial(
                draw_traffic_light,
                x=plan.curb(side) + side * 0.6,
                z=z,
                height=rng.uniform(3.0, 4.0),
                lit=lit)) for side in SIDES
    ]


def plan_people(rng, plan: StreetPlan, side: int) -> List[StreetObject]:
    inner, outer = plan.sidewalk_inner(side), plan.facade(side)
    objects = []
    for _ in range(rng.poisson(2.5)):
        x = rng.uniform(min(inner, outer) + 0.4, max(inner, outer) - 0.4)
        z = rng.uniform(3.5, 45)
        objects.append(
            StreetObject(LAYER_STREET, z,
                         partial(draw_person, **random_person(rng, x, z))))
    return objects


def random_person(rng, x, z):
    return dict(
        x=x,
        z=z,
        height=rng.uniform(1.55, 1.95),
        stride=rng.uniform(0, 1),
        swing=rng.uniform(0, 1))


def plan_cars(rng, plan: StreetPlan) -> List[StreetObject]:
    objects = []
    for index, centre in enumerate(plan.lane_centres()):
        outer = index in (0, plan.num_lanes - 1)
        z, last = 0.0, -np.inf
        for z in np.sort(
                rng.uniform(3.5, 80, rng.poisson(1.8 if outer else 1.0))):
            width, length = rng.uniform(1.65, 1.95), rng.uniform(3.8, 4.9)
            x = centre + rng.uniform(-0.3, 0.3)
            own_lane = abs(x) < plan.lane_width / 2
            if z - last < length + 1.5 or (own_lane and z < 7):
                continue
            last = z
            objects.append(
                StreetObject(
                    LAYER_STREET, z,
                    partial(
                        draw_car,
                        x=x,
                        z=z,
                        width=width,
                        length=length,
                        body=rng.uniform(1.0, 1.25),
                        roof=rng.uniform(1.4, 1.75))))
    return objects


# ----------------------------------------------------------------- drawing
def draw_boundary(canvas: LabelCanvas, x, z0, z1, kind, height, bumps):
    if kind == C.VEGETATION:  # hedge: bumpy top
        z = np.linspace(z0, z1, len(bumps))
        top = [(zi, height + b) for zi, b in zip(z, bumps)]
        outline = [(z0, 0)] + top + [(z1, 0)]
        canvas.side_polygon(x, outline, C.VEGETATION, M.FOLIAGE)
        return
    material = M.FENCE if kind == C.FENCE else M.WALL
    canvas.side_polygon(x, [(z0, 0), (z1, 0), (z1, height), (z0, height)],
                        kind, material)


def draw_tree(canvas: LabelCanvas, x, z, trunk, radius, lobes):
    """A trunk and a lobed crown, both 'vegetation' as in Cityscapes."""
    canvas.front_polygon(z, [(x - 0.14, 0), (x + 0.14, 0),
                             (x + 0.11, trunk + radius * 0.5),
                             (x - 0.11, trunk + radius * 0.5)], C.VEGETATION,
                         M.BARK)
    angle = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    r = radius * (1 + 0.12 * sum(
        np.sin(k * angle + p) for k, p in zip((3, 5, 7, 11), lobes)))
    cy = trunk + radius * 0.85
    crown = np.stack([x + r * np.cos(angle), cy + 0.9 * r * np.sin(angle)], 1)
    canvas.front_polygon(z, crown, C.VEGETATION, M.FOLIAGE)


def draw_lamp(canvas: LabelCanvas, x, z, height, side, sign, arm=True):
    """A pole (street lamp with an arm over the road, or a sign post)."""
    canvas.front_polygon(z, [(x - 0.08, 0), (x + 0.08, 0), (x + 0.06, height),
                             (x - 0.06, height)], C.POLE, M.POLE)
    if arm:
        reach = x - side * 1.8
        canvas.front_polygon(z, [(x, height - 0.12), (reach, height - 0.05),
                                 (reach, height + 0.03), (x, height)], C.POLE,
                             M.POLE)
    if sign is not None:
        draw_sign(canvas, x, z - 0.05, **sign)


def draw_sign(canvas: LabelCanvas, x, z, height, radius, shape):
    if shape == 0:
        outline = ellipse(x, height, radius, radius)
    elif shape == 1:
        outline = [(x - radius, height + radius * 0.6),
                   (x + radius, height + radius * 0.6), (x, height - radius)]
    else:
        outline = [(x - radius * 0.8, height - radius),
                   (x + radius * 0.8, height - radius),
                   (x + radius * 0.8, height + radius),
                   (x - radius * 0.8, height + radius)]
    canvas.front_polygon(
        z, outline, C.TRAFFIC_SIGN, M.SIGN, params=(x, height, radius, shape))


def draw_traffic_light(canvas: LabelCanvas, x, z, height, lit):
    canvas.front_polygon(z, [(x - 0.07, 0), (x + 0.07, 0), (x + 0.07, height),
                             (x - 0.07, height)], C.POLE, M.POLE)
    bottom, top = height, height + 0.95
    canvas.front_polygon(
        z - 0.1, [(x - 0.18, bottom), (x + 0.18, bottom), (x + 0.18, top),
                  (x - 0.18, top)],
        C.TRAFFIC_LIGHT,
        M.TRAFFIC_LIGHT,
        params=(x, bottom, top, lit))


def draw_person(canvas: LabelCanvas, x, z, height, stride, swing):
    h = height
    trousers, shirt = canvas.rng.random(3), canvas.rng.random(3)
    hip, shoulder = 0.52 * h, 0.81 * h
    for leg in (-1, 1):
        foot = x + leg * (0.04 * h + 0.08 * h * stride)
        canvas.front_polygon(
            z, [(foot - 0.04 * h, 0), (foot + 0.04 * h, 0),
                (x + leg * 0.02 * h + 0.045 * h, hip),
                (x + leg * 0.02 * h - 0.045 * h, hip)],
            C.PERSON,
            M.CLOTH,
            tint=trousers)
    for arm in (-1, 1):
        hand = x + arm * (0.14 * h + 0.04 * h * swing)
        canvas.front_polygon(
            z, [(x + arm * 0.1 * h, shoulder),
                (x + arm * 0.14 * h, shoulder - 0.02 * h),
                (hand + arm * 0.02 * h, 0.47 * h),
                (hand - arm * 0.02 * h, 0.47 * h)],
            C.PERSON,
            M.CLOTH,
            tint=shirt)
    canvas.front_polygon(
        z, [(x - 0.1 * h, hip - 0.03 * h), (x + 0.1 * h, hip - 0.03 * h),
            (x + 0.125 * h, shoulder), (x - 0.125 * h, shoulder)],
        C.PERSON,
        M.CLOTH,
        tint=shirt)
    canvas.front_polygon(z, [(x - 0.03 * h, shoulder - 0.01 * h),
                             (x + 0.03 * h, shoulder - 0.01 * h),
                             (x + 0.03 * h, 0.87 * h),
                             (x - 0.03 * h, 0.87 * h)], C.PERSON, M.SKIN)
    canvas.front_polygon(z, ellipse(x, 0.91 * h, 0.055 * h, 0.07 * h),
                         C.PERSON, M.SKIN)


def draw_car(canvas: LabelCanvas, x, z, width, length, body, roof):
    """Wheels and underbody, painted body, glass cabin: three boxes."""
    x0, x1 = x - width / 2, x + width / 2
    paint = canvas.rng.random(3)
    canvas.box(x0 + 0.06, x1 - 0.06, 0, 0.42, z + 0.2, z + length - 0.2, C.CAR,
               M.TYRE)
    canvas.box(x0, x1, 0.3, body, z, z + length, C.CAR, M.CAR_PAINT, paint)
    canvas.box(x0 + 0.12, x1 - 0.12, body, roof, z + 0.9, z + length - 1.3,
               C.CAR, M.GLASS)

"""The static street: cross-section, ground, facades, far backdrop.

A straight street runs along +Z: the road (2-4 lanes), optional grass
verges, sidewalks, then building facades in the planes ``X = const`` on both
sides, broken by gaps (terrain with hedges, walls or fences and trees) and
sometimes closed by a building across the far end. Everything is sampled by
:func:`random_street` and drawn by :func:`draw_static_street`.
"""
from dataclasses import dataclass, field
from typing import List, Tuple

import numpy as np

from . import classes as C
from . import materials as M
from .canvas import NEAR, LabelCanvas

FAR = 1000.0  # metres: the street ground ends here (at the horizon)
SIDES = (-1, 1)  # left, right


@dataclass
class Gap:
    """An open stretch between buildings on one side of the street."""
    z0: float
    z1: float
    boundary: int  # C.FENCE, C.WALL, C.VEGETATION (hedge) or -1
    boundary_height: float
    back_building: Tuple[float, float]  # (setback, height); height 0: none


@dataclass
class Building:
    z0: float
    z1: float
    height: float
    setback: float  # metres behind the facade line


@dataclass
class StreetPlan:
    """The street's cross-section (X of each edge) and its two sides."""
    lane_width: float
    num_lanes: int
    road_left: float
    verge: Tuple[float, float]  # grass strip, left and right
    sidewalk: Tuple[float, float]  # sidewalk widths, left and right
    street_end: float  # Z of the building across; FAR: none
    end_height: float
    buildings: List[List[Building]] = field(default_factory=lambda: [[], []])
    gaps: List[List[Gap]] = field(default_factory=lambda: [[], []])

    @property
    def road_right(self) -> float:
        return self.road_left + self.lane_width * self.num_lanes

    def curb(self, side: int) -> float:
        """X of the road edge on ``side`` (-1 left, 1 right)."""
        return self.road_left if side < 0 else self.road_right

    def sidewalk_inner(self, side: int) -> float:
        return self.curb(side) + side * self.verge[side > 0]

    def facade(self, side: int) -> float:
        """X of the facade line (outer edge of the sidewalk)."""
        return self.sidewalk_inner(side) + side * self.sidewalk[side > 0]

    def lane_centres(self) -> np.ndarray:
        return self.road_left + self.lane_width * (
            np.arange(self.num_lanes) + 0.5)


def random_street(rng: np.random.Generator) -> StreetPlan:
    lane_width = rng.uniform(2.9, 3.6)
    num_lanes = int(rng.integers(2, 5))
    width = lane_width * num_lanes
    # camera somewhere over the road, not always in the middle
    road_left = -width * rng.uniform(0.25, 0.75)
    verge = tuple(
        float(rng.uniform(1.0, 2.5)) if rng.random() < 0.3 else 0.0
        for _ in SIDES)
    sidewalk = tuple(float(rng.uniform(2.0, 5.0)) for _ in SIDES)
    closed = rng.random() < 0.55
    plan = StreetPlan(
        lane_width,
        num_lanes,
        road_left,
        verge,
        sidewalk,
        street_end=rng.uniform(60, 220) if closed else FAR,
        end_height=rng.uniform(10, 35))
    for index, side in enumerate(SIDES):
        plan.buildings[index], plan.gaps[index] = random_side(rng, plan)
    return plan


def random_side(rng: np.random.Generator, plan: StreetPlan):
    """Buildings and gaps along one side, from behind the camera to the
    street's end."""
    buildings, gaps = [], []
    z = -rng.uniform(0, 15)
    end = min(plan.street_end, 260.0)
    while z < end:
        if rng.random() < 0.22:
            length = rng.uniform(6, 20)
            boundary = int(rng.choice([C.FENCE, C.WALL, C.VEGETATION, -1]))
            back = ((rng.uniform(6, 18),
                     rng.uniform(6, 25)) if rng.random() < 0.6 else (0.0, 0.0))
            gaps.append(
                Gap(z, z + length, boundary, rng.uniform(0.8, 1.9), back))
        else:
            length = rng.uniform(8, 35)
            setback = rng.uniform(0, 1.5) if rng.random() < 0.3 else 0.0
            buildings.append(
                Building(z, z + length, rng.uniform(7, 30), setback))
        z += length
    return buildings, gaps


def draw_static_street(canvas: LabelCanvas, plan: StreetPlan,
                       rng: np.random.Generator) -> None:
    """Ground, backdrop, end building and facades, back to front."""
    draw_ground(canvas, plan, rng)
    draw_backdrop(canvas, rng)
    if plan.street_end < FAR:
        draw_end_building(canvas, plan, rng)
    for index, side in enumerate(SIDES):
        for gap in plan.gaps[index]:
            setback, height = gap.back_building
            if height > 0:
                draw_facade(canvas,
                            plan.facade(side) + side * setback, gap.z0 - 5,
                            gap.z1 + 5, height, rng)
        for building in sorted(plan.buildings[index], key=lambda b: -b.z0):
            draw_facade(canvas,
                        plan.facade(side) + side * building.setback,
                        building.z0, building.z1, building.height, rng)


def draw_ground(canvas: LabelCanvas, plan: StreetPlan,
                rng: np.random.Generator) -> None:
    """Terrain everywhere, then verges, sidewalks (also in front of set-back
    buildings) and the road with its lane lines and maybe a zebra
    crossing."""
    canvas.ground_quad(-FAR * 4, FAR * 4, NEAR, FAR, C.TERRAIN, M.TERRAIN)
    end = plan.street_end
    for side in SIDES:
        curb, inner = plan.curb(side), plan.sidewalk_inner(side)
        facade = plan.facade(side)
        if inner != curb:
            canvas.ground_quad(*sorted((curb, inner)), NEAR, end, C.TERRAIN,
                               M.TERRAIN)
        canvas.ground_quad(*sorted((inner, facade)), NEAR, end, C.SIDEWALK,
                           M.SIDEWALK)
        for building in plan.buildings[side > 0]:
            canvas.ground_quad(*sorted(
                (facade, facade + side * 40)), building.z0, building.z1,
                               C.SIDEWALK, M.SIDEWALK)
    crossing = rng.uniform(8, 30) if rng.random() < 0.25 else 0.0
    params = (plan.lane_width, plan.road_left, plan.num_lanes, crossing)
    canvas.ground_quad(plan.road_left, plan.road_right, NEAR, end, C.ROAD,
                       M.ROAD, params)


def draw_backdrop(canvas: LabelCanvas, rng: np.random.Generator) -> None:
    """A far skyline (buildings) or tree line across the whole view."""
    depth = rng.uniform(300, 600)
    half = depth * 3.0
    if rng.random() < 0.5:
        class_id = C.BUILDING
        edges = np.cumsum(rng.uniform(15, 60, 200)) - half
        edges = edges[edges < half]
        heights = rng.uniform(8, 70, len(edges))
        outline = [(x, y) for x0, x1, y in zip(edges[:-1], edges[1:], heights)
                   for x, y in ((x0, y), (x1, y))]
    else:
        class_id = C.VEGETATION
        x = np.linspace(-half, half, 240)
        phases = rng.uniform(0, 2 * np.pi, 3)
        y = 14 + sum(4 * np.sin(x / period + phase)
                     for period, phase in zip((9, 23, 61), phases))
        y += rng.uniform(-2, 2, len(x))
        outline = list(zip(x, np.maximum(y, 3)))
    outline = [(outline[0][0], 0)] + outline + [(outline[-1][0], 0)]
    canvas.front_polygon(depth, outline, class_id, M.DISTANT)


def draw_end_building(canvas: LabelCanvas, plan: StreetPlan,
                      rng: np.random.Generator) -> None:
    z, height = plan.street_end, plan.end_height
    x0, x1 = -4 * z, 4 * z
    params = window_params(rng, x0, height)
    canvas.front_polygon(z, [(x0, 0), (x1, 0), (x1, height), (x0, height)],
                         C.BUILDING, M.FACADE, params)


def draw_facade(canvas: LabelCanvas, x: float, z0: float, z1: float,
                height: float, rng: np.random.Generator) -> None:
    """A facade in the plane ``X = x`` from ``z0`` to ``z1`` (clipped at
    NEAR; the window grid starts at the unclipped ``z0``)."""
    params = window_params(rng, z0, height)
    near = max(z0, NEAR)
    if z1 <= near:
        return
    canvas.side_polygon(x, [(near, 0), (z1, 0), (z1, height), (near, height)],
                        C.BUILDING, M.FACADE, params)


def window_params(rng: np.random.Generator, origin: float, height: float):
    """Material parameters of a facade: a grid of windows."""
    spacing = rng.uniform(2.2, 3.6)
    floor = rng.uniform(2.9, 3.8)
    return (origin, spacing, floor, spacing * rng.uniform(0.35, 0.6),
            floor * rng.uniform(0.4, 0.6), height)

"""A domain pair that ships with mmasm: procedurally rendered street scenes.

The same kind of random street layouts (road, sidewalks, buildings,
vegetation, terrain, sky, cars, people, poles, signs, traffic lights, walls,
fences: 13 Cityscapes classes by train id) rendered twice: a game-like
*source* with flat colours (GTA5's part) and a photo-like *target* with
photographed textures and camera effects (Cityscapes' part), written in the
GTA5 and Cityscapes layouts so ``GTA5Dataset`` and ``CityscapesDataset``
read them unchanged. See :func:`make_demo_domains` and
``tools/make_demo_domains.py``.
"""
from .classes import DEMO_TRAIN_IDS
from .generator import DemoDomains, make_demo_domains, render_sample
from .layout import SceneLayout, random_layout

__all__ = [
    'make_demo_domains', 'render_sample', 'DemoDomains', 'random_layout',
    'SceneLayout', 'DEMO_TRAIN_IDS'
]

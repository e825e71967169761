"""A domain pair that ships with mmasm: procedurally rendered street scenes.

The same kind of random street layouts (road, sidewalks, buildings,
vegetation, terrain, sky, cars, people, poles, signs, traffic lights, walls,
fences: 13 Cityscapes classes by train id) rendered twice: a game-like
*source* with flat colours (GTA5's part) and a photo-like *target* with
photographed textures and camera effects (Cityscapes' part), written in the
GTA5 and Cityscapes layouts so ``GTA5Dataset`` and ``CityscapesDataset``
read them unchanged. See :func:`make_demo_domains` and
``tools/make_demo_domains.py``. The target's layouts also come in eight
appearances (day, overcast, dusk, night, fog, rain, snow, another camera),
split into dev and test domains: :mod:`.target_domains`,
:func:`make_target_domains` (``tools/make_demo_domains.py --domains``).
"""
from .classes import DEMO_TRAIN_IDS
from .domain_writer import make_target_domains
from .generator import DemoDomains, make_demo_domains, render_sample
from .layout import SceneLayout, random_layout
from .target_domains import (DEV_DOMAINS, DOMAIN_SPLITS, DOMAIN_SPLITS_HELP,
                             TARGET_DOMAINS, TEST_DOMAINS, domain_names,
                             render_domain_sample, resolve_domains)

__all__ = [
    'make_demo_domains', 'render_sample', 'DemoDomains', 'random_layout',
    'SceneLayout', 'DEMO_TRAIN_IDS', 'make_target_domains',
    'render_domain_sample', 'TARGET_DOMAINS', 'DEV_DOMAINS', 'TEST_DOMAINS',
    'DOMAIN_SPLITS', 'DOMAIN_SPLITS_HELP', 'domain_names', 'resolve_domains'
]

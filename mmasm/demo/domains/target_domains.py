"""The demo's target appearance domains: the same street layouts as the
photo-like target, rendered in eight appearances (day, overcast, dusk,
night, fog, rain, snow, another camera), and their dev / test split.

A recipe tuned on one target can fit that target; the generalisation
benchmark (``docs/en/benchmarks/generalisation.md``) chooses recipes on the
**dev** domains and reports the **test** domains.

Dev / test split (fixed before any benchmark run):

* ``day`` is dev: it *is* the demo target every earlier recipe choice (RAIN
  tap, pretraining, ASM step) was made on, so it cannot be an unseen test.
* ``dusk`` (a global colour cast and low light) and ``fog`` (a
  depth-dependent loss of contrast) are dev: the two kinds of change that
  stay closest to what a style (channel mean / std of features) can
  express, so the recipe is chosen on shifts a style method is meant for,
  not on the extremes.
* ``overcast``, ``night``, ``rain``, ``snow`` and ``camera`` are test: new
  light (night: local light sources), new content on the surfaces (snow,
  rain streaks, wet reflections), flat light and another sensor; none
  resembles a dev domain closely, so the test mean measures targets the
  recipe never saw.
"""
from dataclasses import dataclass
from typing import Callable, Optional, Sequence, Tuple

import numpy as np

from . import weather
from .camera import CameraEffects, apply_camera
from .layout import random_layout
from .target_style import render_target_radiance

#: split -> random-stream code, as ``generator.DOMAIN_CODES`` (equal codes:
#: every domain renders the same layouts as the demo target)
SPLIT_CODES = dict(train=1, val=2)
#: a stream of its own for the weather (never drawn by the day target)
WEATHER_STREAM = 7


def random_camera(rng: np.random.Generator) -> CameraEffects:
    """The photo-like target's camera (:meth:`CameraEffects.random`)."""
    return CameraEffects.random(rng)


def night_camera(rng: np.random.Generator) -> CameraEffects:
    """The same camera at night: long exposure gain, so much more noise,
    softer optics and stronger compression."""
    base = CameraEffects.random(rng)
    return CameraEffects(
        exposure=float(rng.uniform(1.8, 2.8)),
        vignetting=base.vignetting,
        blur_sigma=float(rng.uniform(0.6, 1.0)),
        shot_noise=float(rng.uniform(0.01, 0.03)),
        read_noise=float(rng.uniform(0.01, 0.025)),
        gamma=base.gamma,
        white_balance=base.white_balance,
        jpeg_quality=int(rng.integers(45, 75)))


def cheap_camera(rng: np.random.Generator) -> CameraEffects:
    """Another camera: a small noisy sensor behind a soft lens, strong
    vignetting, a flat tone curve, a wrong white balance (green or
    magenta) and heavy JPEG compression."""
    tint = rng.uniform(-0.15, 0.15)
    gains = (1.0 - tint + rng.uniform(-0.1, 0.1), 1.0 + tint,
             1.0 - tint + rng.uniform(-0.1, 0.1))
    return CameraEffects(
        exposure=float(rng.uniform(0.8, 1.2)),
        vignetting=float(rng.uniform(0.5, 0.8)),
        blur_sigma=float(rng.uniform(1.0, 1.6)),
        shot_noise=float(rng.uniform(0.008, 0.02)),
        read_noise=float(rng.uniform(0.01, 0.02)),
        gamma=float(rng.uniform(0.7, 0.85)),
        white_balance=tuple(float(g) for g in gains),
        jpeg_quality=int(rng.integers(15, 35)))


@dataclass(frozen=True)
class TargetDomain:
    """One appearance: ``weather`` maps the day radiance of a layout to
    this domain's (None: unchanged), ``camera`` draws the camera effects,
    ``overcast`` forces the day look's sky (None: drawn per image)."""
    name: str
    code: int
    description: str
    weather: Optional[Callable] = None
    camera: Callable = random_camera
    overcast: Optional[bool] = None


TARGET_DOMAINS = {
    domain.name: domain
    for domain in (
        TargetDomain(
            'day', 0, 'the demo target: photographed textures, sun '
            'and shadows, a blue or cloudy sky'),
        TargetDomain(
            'overcast',
            1, 'flat light from a grey sky, low '
            'contrast',
            weather.overcast,
            overcast=True),
        TargetDomain(
            'dusk',
            2,
            'after sunset: dim, orange-magenta cast',
            weather.dusk,
            overcast=False),
        TargetDomain('night', 3, 'dark; sodium street lamps, car lights, '
                     'sensor noise', weather.night, night_camera),
        TargetDomain(
            'fog', 4, 'visibility 25-70 m', weather.fog, overcast=True),
        TargetDomain(
            'rain',
            5,
            'wet mirroring ground, streaks, veiling',
            weather.rain,
            overcast=True),
        TargetDomain(
            'snow',
            6,
            'snow on the ground and trees, flakes',
            weather.snow,
            overcast=True),
        TargetDomain(
            'camera',
            7, 'the day scene through another camera: '
            'noise, blur, vignetting, white balance, JPEG',
            camera=cheap_camera),
    )
}
#: chosen before any run; the reasons are in this module's docstring
DEV_DOMAINS = ('day', 'dusk', 'fog')
TEST_DOMAINS = tuple(name for name in TARGET_DOMAINS
                     if name not in DEV_DOMAINS)
DOMAIN_SPLITS = dict(dev=DEV_DOMAINS, test=TEST_DOMAINS)


def domain_names(split: str) -> Tuple[str, ...]:
    """The domains of ``split`` ('dev' or 'test')."""
    if split not in DOMAIN_SPLITS:
        raise ValueError(f'unknown domain split {split!r}; choose from '
                         f'{sorted(DOMAIN_SPLITS)}')
    return DOMAIN_SPLITS[split]


DOMAIN_SPLITS_HELP = 'dev, test, all or domain names'


def resolve_domains(names: Sequence[str]) -> Tuple[str, ...]:
    """``['dev']`` / ``['test']`` / ``['all']`` / domain names -> names."""
    resolved = []
    for name in names:
        if name == 'all':
            group = tuple(TARGET_DOMAINS)
        elif name in DOMAIN_SPLITS:
            group = DOMAIN_SPLITS[name]
        else:
            group = (get_domain(name).name, )
        resolved += [n for n in group if n not in resolved]
    return tuple(resolved)


def get_domain(name: str) -> TargetDomain:
    if name not in TARGET_DOMAINS:
        raise ValueError(f'unknown target domain {name!r}; choose from '
                         f'{list(TARGET_DOMAINS)}')
    return TARGET_DOMAINS[name]


def render_domain_sample(
        seed: int, domain: str, split: str, index: int,
        size: Tuple[int, int]) -> Tuple[np.ndarray, np.ndarray]:
    """Image ``index`` of ``domain``'s ``split`` ('train' or 'val'):
    ``(H, W, 3)`` uint8 RGB and ``(H, W)`` train ids; a function of the
    arguments only. The layout (and so the labels) is the demo target's
    image ``index`` of that split; ``'day'`` gives the demo target's image
    itself, byte for byte."""
    look = get_domain(domain)
    streams = np.random.SeedSequence([seed, SPLIT_CODES[split], index])
    layout_rng, look_rng, camera_rng = (
        np.random.default_rng(s) for s in streams.spawn(3))
    layout = random_layout(layout_rng, *size)
    radiance = render_target_radiance(layout, look_rng, look.overcast)
    if look.weather is not None:
        weather_rng = np.random.default_rng(
            [seed, SPLIT_CODES[split], index, WEATHER_STREAM, look.code])
        radiance = look.weather(radiance, layout, weather_rng)
    image = apply_camera(radiance, look.camera(camera_rng), camera_rng)
    return image, layout.label

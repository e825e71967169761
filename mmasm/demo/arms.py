"""The demo pair's arms: one segmentor config each, pointed at a pair,
a RAIN, a one-shot image and (for LRM) a translator."""
import json
import os.path as osp
from typing import Optional

from mmengine.config import Config

from mmasm.utils import mmasm_config_root

#: the demo pair's arms: name -> segmentor config (relative to mmasm's
#: configs; same segmentor, data and number of optimizer steps in all)
DEMO_ARMS = {
    'source-only': 'demo/source-only_demo.py',
    'random': 'demo/random_demo.py',
    'anchored': 'demo/anchored_demo.py',
    'asm': 'demo/asm_demo.py',
    'target-supervised': 'demo/target-supervised_demo.py',
    'ash': 'ash/ash_demo.py',
    'lrm': 'lrm/lrm_demo_segmentor.py',
}
#: the benchmark's arms in its order, with their table labels
ARM_LABELS = {
    'source-only': 'source only',
    'random': 'RAIN, random styles (eps ~ N(0, I))',
    'anchored': 'RAIN, anchored styles (eps ~ N(psi, xi))',
    'asm': 'ASM (anchored + adversarial search)',
    'ash': 'ASH (zero-shot: style folder, no target image)',
    'lrm': 'LRM (one-shot translation, trained per one-shot image)',
    'target-supervised': 'target supervised (upper bound)',
}
#: where the demo configs expect the pair and the RAIN weights
DEFAULT_DATA = 'data/demo'
DEFAULT_RAIN = 'work_dirs/quickstart/rain/rain_demo.pth'


def config_path(relative: str) -> str:
    """The file of one of mmasm's configs (``'demo/asm_demo.py'``)."""
    return osp.join(mmasm_config_root(), relative)


def rebase(path: str, data: str) -> str:
    """``path`` under :data:`DEFAULT_DATA` moved under ``data``."""
    prefix = DEFAULT_DATA + '/'
    return osp.join(data, path[len(prefix):]) if path.startswith(prefix) else path


def point_hooks(cfg: Config, data: str, rain: str, one_shot: str) -> None:
    """The style methods of ``cfg`` use ``rain``, ``one_shot`` and the style
    folder of ``data``: ASM's settings sit in its hook, ASH's in its model."""
    for holder in [*cfg.get('custom_hooks', []), cfg.model]:
        if 'rain_checkpoint' in holder:
            holder.rain_checkpoint = rain
        if holder.get('target'):
            holder.target = one_shot
        if holder.get('style'):
            holder.style = rebase(holder.style, data)


def set_max_steps(cfg: Config, max_steps: int) -> None:
    """``max_steps`` optimizer steps: iterations (and validation and
    checkpoint intervals) divided by the style search depth."""
    depth = next((h.get('search_depth', 1) for h in cfg.get('custom_hooks', [])
                  if 'search_depth' in h), 1)
    cfg.train_cfg.max_iters = cfg.train_cfg.val_interval = max_steps // depth
    cfg.default_hooks.checkpoint.interval = max_steps // depth


def demo_config(arm: str, data: str, rain: str, one_shot_image: str, seed: int,
                max_steps: Optional[int] = None,
                translator: Optional[str] = None) -> Config:
    """The config of ``arm`` (:data:`DEMO_ARMS`) pointed at the pair in
    ``data`` (any image size), ``rain``, the one-shot image (relative to the
    target root) and, for LRM, the ``translator``; seeded with ``seed``;
    ``max_steps`` optimizer steps if given."""
    cfg = Config.fromfile(config_path(DEMO_ARMS[arm]))
    with open(osp.join(data, 'meta.json')) as f:
        size = json.load(f)['size']
    cfg.model.data_preprocessor.size = (size['height'], size['width'])
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        dataset = cfg[loader].dataset
        dataset.data_root = rebase(dataset.data_root, data)
    one_shot = osp.join(data, 'target', one_shot_image)
    point_hooks(cfg, data, rain, one_shot)
    for transform in cfg.train_dataloader.dataset.get('pipeline', []):
        if transform.type == 'LRMTranslate':
            transform.checkpoint, transform.target = translator, one_shot
    if max_steps:
        set_max_steps(cfg, max_steps)
    cfg.randomness = dict(seed=seed)
    return cfg

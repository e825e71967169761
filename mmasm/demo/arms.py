"""The demo pair's arms: one segmentor config each, pointed at a pair,
a RAIN, a one-shot image (seed ``s`` -> :func:`one_shot_images`) and (for
LRM) a translator."""
import glob
import json
import os.path as osp
from typing import Dict, Optional, Sequence

from mmengine.config import Config

from mmasm.models.rain.inference import checkpoint_encoder_tap
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
    'ash-frozen': 'ash/ash_demo-frozen-conditioning.py',
    'ash-segmentation-loss': 'demo/ash-segmentation-loss_demo.py',
    'lrm': 'lrm/lrm_demo_segmentor.py',
    'lrm-no-perceptual': 'lrm/lrm_demo_segmentor.py',
    'self-training': 'demo/self-training_demo.py',
    'self-training-1shot': 'demo/self-training-1shot_demo.py',
    'asm-self-training-1shot': 'demo/asm-self-training-1shot_demo.py',
}
#: the benchmark's arms in its order, with their table labels
ARM_LABELS = {
    'source-only': 'source only',
    'random': 'RAIN, random styles (eps ~ N(0, I))',
    'anchored': 'RAIN, anchored styles (eps ~ N(psi, xi))',
    'asm': 'ASM (anchored + adversarial search)',
    'ash': 'ASH (zero-shot: style folder, no target image)',
    'ash-frozen': 'ASH, conditioning net frozen at initialisation (ablation)',
    'lrm': 'LRM (one-shot translation, trained per one-shot image)',
    'lrm-no-perceptual':
    'LRM without its VGG content / Gram style terms (ablation)',
    'self-training':
    'self-training (DACS, all 20 unlabelled target train images)',
    'self-training-1shot': 'self-training (DACS, one-shot target)',
    'asm-self-training-1shot': 'ASM + self-training (DACS, one-shot target)',
    'target-supervised': 'target supervised (upper bound)',
}
#: where the demo configs expect the pair and the RAIN weights
DEFAULT_DATA = 'data/demo'
DEFAULT_RAIN = 'work_dirs/quickstart/rain/rain_demo.pth'


def one_shot_images(data: str, meta: dict,
                    seeds: Sequence[int]) -> Dict[int, str]:
    """Seed ``s`` -> the ``s``-th target train image (relative to the target
    root); seed 0 is the pair's own one-shot image."""
    target = osp.join(data, 'target')
    files = sorted(
        glob.glob(osp.join(target, 'leftImg8bit', 'train', '*', '*.png')))
    first = meta['target']['one_shot_image']
    files = [osp.relpath(f, target) for f in files]
    files.remove(first)
    ordered = [first] + files
    if max(seeds) >= len(ordered):
        raise ValueError(
            f'seed {max(seeds)} needs {max(seeds) + 1} target train images, '
            f'{target} has {len(ordered)}')
    return {s: ordered[s] for s in seeds}


def one_shot_image(data: str, seed: int) -> str:
    """Seed ``seed``'s one-shot image of the pair or domain folder ``data``
    (:func:`one_shot_images` with its ``meta.json``), relative to its
    target root."""
    with open(osp.join(data, 'meta.json')) as file:
        meta = json.load(file)
    return one_shot_images(data, meta, [seed])[seed]


def config_path(relative: str) -> str:
    """The file of one of mmasm's configs (``'demo/asm_demo.py'``)."""
    return osp.join(mmasm_config_root(), relative)


def rebase(path: str, data: str) -> str:
    """``path`` under :data:`DEFAULT_DATA` moved under ``data``."""
    prefix = DEFAULT_DATA + '/'
    return osp.join(data,
                    path[len(prefix):]) if path.startswith(prefix) else path


def point_datasets(cfg: Config, data: str, one_shot: str) -> None:
    """The datasets of ``cfg`` under ``data``: a ``UDADataset``'s source and
    target roots moved too, and a target set that names single images
    (``img_suffixes``: the one-shot arms) made of the ``one_shot`` image."""
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        dataset = cfg[loader].dataset
        parts = [dataset.source, dataset.target
                 ] if 'source' in dataset else [dataset]
        for part in parts:
            part.data_root = rebase(part.data_root, data)
    target = cfg.train_dataloader.dataset.get('target')
    if target is not None and 'img_suffixes' in target:
        target.data_root, name = osp.split(one_shot)
        target.img_suffixes = (name, )


def point_hooks(cfg: Config, data: str, rain: str, one_shot: str) -> None:
    """The style methods of ``cfg`` use ``rain``, ``one_shot`` and the style
    folder of ``data``: ASM's settings sit in its hook, ASH's in its model.
    The RAIN they build ends at the encoder tap of the ``rain`` file (the
    configs' RAIN is the paper's relu4_1; a demo RAIN may tap relu3_1 or
    relu2_1, see configs/rain/rain_demo-relu3_1_cpu.py)."""
    tap = checkpoint_encoder_tap(rain) if osp.isfile(rain) else None
    for holder in [*cfg.get('custom_hooks', []), cfg.model]:
        if 'rain_checkpoint' in holder:
            holder.rain_checkpoint = rain
            if tap is not None:
                holder.rain = dict(
                    holder.get('rain', dict(type='RAIN')), encoder_tap=tap)
        if holder.get('target'):
            holder.target = one_shot
        if holder.get('style'):
            holder.style = rebase(holder.style, data)


def asm_hook_configs(cfg: Config) -> list:
    """The ``ASMHook`` entries of ``cfg.custom_hooks`` (found by type)."""
    return [
        h for h in cfg.get('custom_hooks', [])
        if str(h.get('type', '')).split('.')[-1] == 'ASMHook'
    ]


def asm_hook_config(cfg: Config) -> dict:
    """The ``ASMHook`` entry of ``cfg.custom_hooks`` (found by type, not
    position); a clear error if there is none."""
    hooks = asm_hook_configs(cfg)
    if len(hooks) != 1:
        raise ValueError(
            f'expected one ASMHook in custom_hooks, found '
            f'{len(hooks)} (types: '
            f'{[h.get("type") for h in cfg.get("custom_hooks", [])]})')
    return hooks[0]


def set_max_steps(cfg: Config, max_steps: int) -> None:
    """``max_steps`` optimizer steps: iterations (and validation and
    checkpoint intervals, ASH's damping) divided by the style search depth."""
    depth = next((h.get('search_depth', 1)
                  for h in cfg.get('custom_hooks', []) if 'search_depth' in h),
                 1)
    cfg.train_cfg.max_iters = cfg.train_cfg.val_interval = max_steps // depth
    cfg.default_hooks.checkpoint.interval = max_steps // depth
    if cfg.model.get(
            'damping_iters'):  # ASH's adversarial weights reach 0 at the end
        cfg.model.damping_iters = max_steps // depth


def demo_config(arm: str,
                data: str,
                rain: str,
                one_shot_image: str,
                seed: int,
                max_steps: Optional[int] = None,
                translator: Optional[str] = None,
                step_size: Optional[float] = None) -> Config:
    """The config of ``arm`` (:data:`DEMO_ARMS`) pointed at the pair in
    ``data`` (any image size), ``rain``, the one-shot image (relative to the
    target root) and, for LRM, the ``translator``; seeded with ``seed``;
    ``max_steps`` optimizer steps and ASM's ``step_size`` if given."""
    cfg = Config.fromfile(config_path(DEMO_ARMS[arm]))
    with open(osp.join(data, 'meta.json')) as f:
        size = json.load(f)['size']
    cfg.model.data_preprocessor.size = (size['height'], size['width'])
    one_shot = osp.join(data, 'target', one_shot_image)
    point_datasets(cfg, data, one_shot)
    point_hooks(cfg, data, rain, one_shot)
    for transform in cfg.train_dataloader.dataset.get('pipeline', []):
        if transform.type == 'LRMTranslate':
            transform.checkpoint, transform.target = translator, one_shot
    if max_steps:
        set_max_steps(cfg, max_steps)
    for hook in asm_hook_configs(cfg) if step_size is not None else []:
        hook.step_size = step_size
    cfg.randomness = dict(seed=seed)
    return cfg

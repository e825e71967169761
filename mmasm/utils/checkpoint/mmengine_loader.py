"""mmengine's checkpoint loading (``load_from``, ``--resume``, ``test.py
CFG CKPT``, ``init_cfg=dict(type='Pretrained')``) without arbitrary pickles.

mmengine reads local files with ``_safe_torch_load``, which retries with
``weights_only=False`` when the weights-only unpickler refuses something:
a checkpoint whose pickle calls ``os.system`` then runs it. mmasm's tools
call :func:`use_safe_checkpoint_loader` once, before they build a runner:
it registers :func:`load_local_checkpoint` for local paths through
mmengine's own ``CheckpointLoader.register_scheme``, which reads files with
:func:`~mmasm.utils.load_tensor_file` (tensors and mmengine's metadata
types only; files listed in the config's ``trusted_checkpoints`` are
unpickled fully), and the same rule for every other scheme mmengine knows
(``https://``, ``torchvision://``, ``open-mmlab://``, ``mmcls://``,
``s3://``, ``petrel://``, ``pavi://``: :mod:`.remote_schemes`), whose
mmengine loaders unpickle fully. Importing mmasm changes nothing in
mmengine.
"""
import os.path as osp
from typing import Optional

from mmengine.config import Config
from mmengine.runner.checkpoint import CheckpointLoader

from .remote_schemes import REMOTE_SCHEMES
from .safe_loading import load_tensor_file, trust_checkpoints

#: The config key that opts files in to full unpickling: True (every file
#: the run loads) or a list of paths.
TRUST_KEY = 'trusted_checkpoints'


def load_local_checkpoint(filename: str, map_location=None) -> object:
    """mmengine's local-file checkpoint loader, weights-only."""
    return load_tensor_file(osp.expanduser(filename), map_location)


# mmengine logs "Loads checkpoint by <name[10:]> backend"
load_local_checkpoint.__name__ = 'load_from_local_weights_only'


def use_safe_checkpoint_loader(cfg: Optional[Config] = None) -> None:
    """Make mmengine load checkpoints of every scheme weights-only
    (process-wide), trusting the files or URLs that
    ``cfg.trusted_checkpoints`` names. Idempotent."""
    trusted = cfg.get(TRUST_KEY, False) if cfg is not None else False
    trust_checkpoints(trusted)
    CheckpointLoader.register_scheme('', load_local_checkpoint, force=True)
    for prefixes, loader in REMOTE_SCHEMES:
        CheckpointLoader.register_scheme(prefixes, loader, force=True)

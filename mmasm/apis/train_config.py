"""Train an mmseg/mmasm config in-process and return its last validation."""
from typing import Dict, Optional, Tuple, Union

from mmengine.config import Config
from mmengine.runner import Runner

from mmasm.utils import build_runner


def train_config(
        config: Union[str, Config],
        work_dir: str,
        cfg_options: Optional[dict] = None) -> Tuple[Runner, Dict[str, float]]:
    """What ``tools/train.py CONFIG --work-dir W --cfg-options ...`` does,
    as a function: build the runner (``runner_type`` honoured), train, and
    return it with the metrics of its last validation (``{}`` if none ran).
    ``config`` is a file or a loaded :class:`~mmengine.config.Config`.

    The runner is returned trained, so callers can keep using its model and
    its message hub (e.g. ``runner.message_hub.get_scalar('train/loss')``).
    """
    cfg = Config.fromfile(config) if isinstance(config, str) else config.copy()
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    cfg.work_dir = work_dir
    runner = build_runner(cfg)
    runner.train()
    metrics = {
        key[len('val/'):]: buffer.current()
        for key, buffer in runner.message_hub.log_scalars.items()
        if key.startswith('val/')
    }
    return runner, metrics

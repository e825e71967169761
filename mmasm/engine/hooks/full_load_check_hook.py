"""Refuse to evaluate a checkpoint that does not hold the model's weights."""
import re
from typing import Mapping

from mmengine.hooks import Hook
from mmengine.model import BaseTTAModel

from mmasm.registry import HOOKS
from mmasm.utils import unwrap_model
from mmasm.utils.checkpoint import describe_mismatch, state_dict_mismatch

#: The ``tools/test.py`` flag that turns the check off.
ALLOW_FLAG = '--allow-partial-load'
#: How many keys of each kind an error lists.
MAX_LISTED = 10


@HOOKS.register_module()
class FullLoadCheckHook(Hook):
    """Check, when the runner loads ``load_from``, that the checkpoint's
    ``state_dict`` holds every weight of the model, with the model's shapes,
    and nothing else (after mmengine's ``module.`` prefix revision).

    mmengine loads with ``strict=False`` and only logs missing keys:
    ``tools/test.py CONFIG <a RAIN file>`` evaluated a randomly initialised
    segmentor and exited 0. ``tools/test.py`` registers this hook unless it
    is given ``--allow-partial-load``.
    """
    priority = 'VERY_HIGH'

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        state = checkpoint.get('state_dict', checkpoint)
        if not isinstance(state, Mapping):
            return
        state = {re.sub(r'^module\.', '', k): v for k, v in state.items()}
        model = unwrap_model(runner.model)
        if isinstance(model, BaseTTAModel):  # --tta: as mmengine loads it
            model = model.module
        own = model.state_dict()
        missing, unexpected, shapes = state_dict_mismatch(own, state)
        if missing or unexpected or shapes:
            model = type(model).__name__
            raise RuntimeError(
                describe_mismatch(
                    str(runner.cfg.get('load_from')),
                    f'{model} of the config ({len(own)} tensors; '
                    f'the file has {len(state)})',
                    _few(missing),
                    _few(unexpected),
                    _few(shapes),
                    hint=f'is it this config\'s checkpoint? Pass {ALLOW_FLAG} '
                    f'to tools/test.py to evaluate with the unmatched weights '
                    f'left as initialised.'))


def _few(keys):
    """At most :data:`MAX_LISTED` of ``keys``, with a count of the rest."""
    return keys[:MAX_LISTED] + ([f'... {len(keys) - MAX_LISTED} more']
                                if len(keys) > MAX_LISTED else [])

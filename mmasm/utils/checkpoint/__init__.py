"""Checkpoint files: reading them safely, writing them atomically, and the
helpers around them, one concept per module.

- :mod:`.safe_loading`: ``torch.load(weights_only=True)`` with clear errors
  and an explicit opt-in for trusted pickles (:func:`load_tensor_file`,
  :func:`trust_checkpoints`).
- :mod:`.atomic_files`: atomic writes, SHA-256 sidecars, completeness, the
  newest intact checkpoint of a work dir (:func:`save_atomically`,
  :func:`latest_complete_checkpoint`).
- :mod:`.remote_schemes`: weights-only loaders for mmengine's URL and
  object-store schemes.
- :mod:`.mmengine_loader`: :func:`use_safe_checkpoint_loader`, which
  registers those loaders with mmengine's ``CheckpointLoader``.
- :mod:`.state_dicts`: a model's weights out of a loaded checkpoint and
  clear mismatch errors.
- :mod:`.wrapper_free_state_dict`: state dicts of models whose children
  DDP wraps in place.
- :mod:`.work_dir_lock`: one training run per work dir.

Per-model file formats live beside each model
(``mmasm/models/{rain,lrm}/checkpoint.py``); the crash-safe
``CheckpointHook`` is ``mmasm.engine.hooks.AtomicCheckpointHook``.
"""
from .atomic_files import (checksum_path, is_intact_checkpoint,
                           latest_complete_checkpoint, publish,
                           save_atomically, staging_name, write_checksum,
                           write_text_atomically)
from .mmengine_loader import use_safe_checkpoint_loader
from .safe_loading import (is_trusted, load_tensor_bytes, load_tensor_file,
                           trust_checkpoints)
from .state_dicts import (cpu_state_dict, describe_mismatch, model_state_dict,
                          state_dict_mismatch, strip_prefix)
from .work_dir_lock import WorkDirInUseError, lock_work_dir, unlock_work_dir
from .wrapper_free_state_dict import drop_wrapper_names

__all__ = [
    'WorkDirInUseError', 'checksum_path', 'cpu_state_dict',
    'describe_mismatch', 'drop_wrapper_names', 'is_intact_checkpoint',
    'is_trusted', 'latest_complete_checkpoint', 'load_tensor_bytes',
    'load_tensor_file', 'lock_work_dir', 'model_state_dict', 'publish',
    'save_atomically', 'staging_name', 'state_dict_mismatch', 'strip_prefix',
    'trust_checkpoints', 'unlock_work_dir', 'use_safe_checkpoint_loader',
    'write_checksum', 'write_text_atomically'
]

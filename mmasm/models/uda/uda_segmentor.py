"""The one pattern of mmasm's multi-network segmentation algorithms.

An algorithm (ASH, self-training, ...) is a model that wraps the segmentor
being adapted and owns the training step, as lhoyer/DAFormer's
``mmseg/models/uda/`` does, on mmengine's pieces:

- **configs**: switching the segmentor config's ``type`` is all it takes; the
  remaining keys of the user's model dict (``backbone``, ``decode_head``,
  ``data_preprocessor``, ...) build the segmentor, ``segmentor_type`` names
  its class (``EncoderDecoder`` by default), and the algorithm's own
  arguments sit beside them;
- **optimisation**: ``train_step(data, optim_wrapper)`` gets the runner's
  optim wrapper: one ``OptimWrapper`` when only the segmentor is trained, or
  an ``OptimWrapperDict`` with one wrapper per trained network attribute
  (``MultiNetworkOptimWrapperConstructor``, which takes the mmseg config's
  own top-level wrapper keys as the ``segmentor``'s entry, so an algorithm's
  base config adds its networks' entries by merging), so ``--amp``
  (``AmpOptimWrapper``), ``clip_grad``, accumulation and parameter
  schedulers reach every network;
- **DDP**: the algorithm's base config sets
  ``model_wrapper_cfg = dict(type='MMSeparateDistributedDataParallel')``,
  which wraps each trained network in its own DDP and calls this model's
  ``train_step``; a forward through ``self.segmentor`` (the DDP wrapper) is
  reduced over the ranks at its backward. A forward whose gradient must not
  reach the segmentor's parameters goes through :attr:`segmentor_module`
  (the bare network) under :func:`mmasm.utils.frozen`. The state dict (so
  every checkpoint) names the networks without their DDP wrappers, the
  names mmengine loads into;
- **evaluation**: ``val_step`` / ``test_step`` and ``forward`` in
  ``'predict'`` / ``'tensor'`` mode are those of :meth:`inference_network`
  (the segmentor; e.g. a mean teacher for self-training), so mmseg's metrics,
  visualization hook and ``tools/test.py`` work unchanged.
"""
from abc import ABCMeta, abstractmethod
from typing import Dict, Optional, Union

import torch.nn as nn
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapper, OptimWrapperDict

from mmasm.utils import build_module, unwrap_model
from mmasm.utils.checkpoint import drop_wrapper_names


class UDASegmentor(BaseModel, metaclass=ABCMeta):
    """Base of mmasm's algorithms that train a segmentor together with other
    networks, or in more than one pass per iteration.

    Args:
        segmentor_type: the class of the adapted segmentor (any registered
            mmseg segmentor: ``EncoderDecoder``, ``ASMEncoderDecoder``, ...).
        **segmentor: the rest of the segmentor's config, i.e. the keys of the
            model dict the algorithm replaces (``backbone``, ``decode_head``,
            ``data_preprocessor``, ``train_cfg``, ``test_cfg``, ``init_cfg``).
            A built segmentor can be passed as ``segmentor=module``.
    """

    def __init__(self, segmentor_type: str = 'EncoderDecoder', **segmentor):
        if isinstance(segmentor.get('segmentor'), nn.Module):
            network = segmentor.pop('segmentor')
        else:
            network = build_module(dict(type=segmentor_type, **segmentor))
        super().__init__(data_preprocessor=network.data_preprocessor)
        self.segmentor = network
        # checkpoints name `segmentor.backbone...` whether DDP wraps it or not
        self.register_state_dict_post_hook(drop_wrapper_names)

    @property
    def segmentor_module(self) -> nn.Module:
        """The segmentor without its DDP wrapper (for forwards that must not
        be reduced over ranks, and for its methods and attributes)."""
        return unwrap_model(self.segmentor)

    def inference_network(self) -> nn.Module:
        """The network that predicts in validation and testing."""
        return self.segmentor

    @staticmethod
    def optim_wrappers(optim_wrapper: Union[OptimWrapper, OptimWrapperDict],
                       *names: str) -> Dict[str, OptimWrapper]:
        """The wrappers of ``names`` in the runner's optim wrapper; a single
        wrapper stands for ``'segmentor'`` when that is all that is asked."""
        if not isinstance(optim_wrapper, OptimWrapperDict):
            if names == ('segmentor', ):
                return dict(segmentor=optim_wrapper)
            raise TypeError(
                f'this algorithm trains {", ".join(names)}: optim_wrapper must hold one '
                "wrapper per network (constructor='mmasm.MultiNetworkOptimWrapperConstructor')"
            )
        missing = [name for name in names if name not in optim_wrapper]
        if missing:
            raise KeyError(
                f'optim_wrapper has no entry for {", ".join(missing)} '
                f'(it has {", ".join(optim_wrapper.keys())})')
        return {name: optim_wrapper[name] for name in names}

    @abstractmethod
    def train_step(
            self, data: Union[dict, tuple, list],
            optim_wrapper: Union[OptimWrapper, OptimWrapperDict]) -> Dict:
        """One training iteration: every network's update; returns the log
        variables (``loss`` and each term)."""

    def val_step(self, data: Union[dict, tuple, list]) -> list:
        return self.inference_network().val_step(data)

    def test_step(self, data: Union[dict, tuple, list]) -> list:
        return self.inference_network().test_step(data)

    def forward(self,
                inputs,
                data_samples: Optional[list] = None,
                mode: str = 'tensor'):
        """``'predict'`` / ``'tensor'``: :meth:`inference_network`'s;
        ``'loss'``: the segmentor's supervised losses."""
        network = self.segmentor if mode == 'loss' else self.inference_network(
        )
        return network(inputs, data_samples, mode=mode)

"""The segmentor side of ASHHook: running an mmseg segmentor on ASH's
images, and the pieces that keep ASH's own modules in step across ranks."""
from contextlib import contextmanager
from typing import List, Optional, Sequence, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.modules.batchnorm import _BatchNorm
from mmengine.dist import all_reduce_params, broadcast, get_world_size
from mmasm.registry import PARAM_SCHEDULERS

#: Discriminator labels: source 0, stylized 1 (as in ASH's code).
SOURCE_LABEL = 0.0
STYLIZED_LABEL = 1.0


def domain_bce(discriminator: nn.Module, probs: torch.Tensor, label: float) -> torch.Tensor:
    """BCE of the discriminator's logits on ``probs`` against ``label``."""
    logits = discriminator(probs)
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, label))


@contextmanager
def batch_norm_statistics_kept(module: nn.Module):
    """Within the block, forwards in training mode leave the running
    statistics of the module's batch norms as they are (momentum 0, the
    batch counter restored), so ASH's extra forwards of the segmentor do
    not count as extra batches; the outputs are unchanged."""
    norms = [m for m in module.modules()
             if isinstance(m, _BatchNorm) and m.track_running_stats]
    saved = [(m.momentum, None if m.num_batches_tracked is None else m.num_batches_tracked.clone())
             for m in norms]
    for norm in norms:
        norm.momentum = 0.0
    try:
        yield module
    finally:
        for norm, (momentum, count) in zip(norms, saved):
            norm.momentum = momentum
            if count is not None:
                norm.num_batches_tracked.copy_(count)


def preprocess(segmentor: nn.Module, images: Sequence[torch.Tensor],
               data_samples: Sequence) -> torch.Tensor:
    """The segmentor's training inputs for BGR ``(3, H, W)`` images (uint8
    or float in [0, 255]): normalised, padded and stacked by its own data
    preprocessor, exactly as the loop's ``train_step`` does; differentiable.
    The data samples are cloned (mmseg pads them in place)."""
    data = dict(inputs=list(images), data_samples=[s.clone() for s in data_samples])
    return segmentor.data_preprocessor(data, training=True)['inputs']


def segmentation_logits(segmentor: nn.Module, inputs: torch.Tensor) -> torch.Tensor:
    """``(N, C, H, W)`` logits of preprocessed ``inputs`` at their size
    (``EncoderDecoder.encode_decode``: backbone, decode head, resize)."""
    shape = tuple(inputs.shape[-2:])
    metas = [dict(img_shape=shape, pad_shape=shape) for _ in range(len(inputs))]
    return segmentor.encode_decode(inputs, metas)


def segmentor_classes(segmentor: nn.Module) -> int:
    """The class count of an mmseg segmentor's softmax output."""
    head = getattr(segmentor, 'decode_head', None)
    if head is None or not hasattr(segmentor, 'encode_decode'):
        raise TypeError(f'ASHHook needs an mmseg EncoderDecoder-like segmentor (with '
                        f'decode_head and encode_decode), got {type(segmentor).__name__}')
    if getattr(head, 'out_channels', head.num_classes) != head.num_classes:
        raise ValueError(f'ASHHook conditions on and discriminates softmax outputs, but '
                         f'the decode head has out_channels={head.out_channels} for '
                         f'num_classes={head.num_classes} (use_sigmoid?)')
    return head.num_classes


def sync_gradients(module: nn.Module) -> None:
    """Average the gradients of ``module`` over all ranks (a no-op in one
    process): what DDP does for the segmentor, for ASH's own modules."""
    grads = [p.grad for p in module.parameters() if p.grad is not None]
    if grads and get_world_size() > 1:
        all_reduce_params(grads, op='mean')


def broadcast_module(module: nn.Module) -> None:
    """Give every rank rank 0's parameters and buffers."""
    if get_world_size() > 1:
        for tensor in module.state_dict().values():
            broadcast(tensor, src=0)


def build_schedulers(cfgs: Union[None, dict, List[dict]], optim_wrapper,
                     what: str) -> list:
    """mmengine parameter schedulers (stepped per iteration) of an ASH
    optimizer; ``None`` gives none (a constant learning rate)."""
    if not cfgs:
        return []
    schedulers = []
    for cfg in [cfgs] if isinstance(cfgs, dict) else cfgs:
        cfg = dict(cfg)
        if cfg.setdefault('by_epoch', False):
            raise ValueError(f'ASHHook {what}: schedulers step once per iteration; '
                             f'set by_epoch=False in {cfg}')
        schedulers.append(PARAM_SCHEDULERS.build(cfg, default_args=dict(optimizer=optim_wrapper)))
    return schedulers


def optimizer_step(optim_wrapper, module: nn.Module, loss: torch.Tensor,
                   params: Optional[Sequence[torch.Tensor]] = None) -> None:
    """One optimizer step of ``module`` on ``loss``: gradients reach only
    ``params`` (default: the module's), are averaged over ranks, and are
    cleared afterwards."""
    params = list(module.parameters()) if params is None else list(params)
    optim_wrapper.zero_grad()
    optim_wrapper.backward(loss, inputs=params)
    sync_gradients(module)
    optim_wrapper.step()
    optim_wrapper.zero_grad()

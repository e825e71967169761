"""The mean teacher of DACS / DAFormer: an exponential moving average of
the student's weights (Tarvainen & Valpola, NeurIPS 2017)."""
from contextlib import contextmanager
from typing import Iterator

import torch
import torch.nn as nn
from torch.nn.modules.batchnorm import _BatchNorm


def ema_alpha(step: int, alpha: float) -> float:
    """DAFormer's warm-up: ``min(1 - 1 / (step + 1), α)`` after the
    student's ``step``-th optimizer step (so the early teacher follows the
    student closely)."""
    return min(1.0 - 1.0 / (step + 1), alpha)


@torch.no_grad()
def copy_weights(teacher: nn.Module, student: nn.Module) -> None:
    """``teacher <- student`` (parameters and buffers)."""
    teacher.load_state_dict(student.state_dict())


@torch.no_grad()
def update_ema(teacher: nn.Module, student: nn.Module, alpha: float) -> None:
    """``θ_t <- α θ_t + (1 - α) θ_s`` for every floating-point parameter and
    buffer (normalisation statistics included, so a teacher evaluated in eval
    mode has statistics that match its weights); integer buffers are
    copied."""
    student_state = student.state_dict()
    for name, value in teacher.state_dict().items():
        source = student_state[name]
        if value.is_floating_point():
            value.mul_(alpha).add_(source.to(value.dtype), alpha=1.0 - alpha)
        else:
            value.copy_(source)


def _is_stochastic(module: nn.Module) -> bool:
    return (isinstance(module, nn.modules.dropout._DropoutNd)
            or type(module).__name__ == 'DropPath')


@contextmanager
def teacher_mode(teacher: nn.Module,
                 norm: str = 'batch') -> Iterator[nn.Module]:
    """The teacher as it predicts pseudo-labels: no dropout nor drop-path.

    ``norm='batch'`` (the authors' code, which runs the teacher in training
    mode with dropout and drop-path off): batch-normalisation layers use the
    target batch's statistics, without touching the teacher's running ones.
    ``norm='running'``: the whole teacher in eval mode.
    """
    if norm not in ('batch', 'running'):
        raise ValueError(
            f"teacher norm must be 'batch' or 'running', got {norm!r}")
    modes = {
        m: (m.training, getattr(m, 'track_running_stats', None))
        for m in teacher.modules()
    }
    teacher.eval()
    if norm == 'batch':
        for m in teacher.modules():
            if isinstance(m, _BatchNorm):
                m.train()
                m.track_running_stats = False
    try:
        yield teacher
    finally:
        for m, (training, track) in modes.items():
            m.training = training
            if track is not None:
                m.track_running_stats = track

"""Batch-Instance Normalization (Nam & Kim, NeurIPS 2018), LRM's BIN."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class BatchInstanceNorm2d(nn.BatchNorm2d):
    """BIN: ``y = (rho * BN(x) + (1 - rho) * IN(x)) * gamma + beta``.

    ``rho`` is a learned per-channel gate (the parameter ``gate``, 1 at
    init = pure batch norm) that the forward pass clamps to ``[0, 1]``;
    :meth:`clamp_gate_` projects the parameter itself back into ``[0, 1]``,
    as the BIN authors do after every optimiser step (a gate left outside
    the range would get no gradient through the clamp).

    The batch-norm branch is ``nn.BatchNorm2d``'s own (running statistics,
    momentum, ``track_running_stats``); the instance-norm branch normalises
    each image and channel over its spatial positions. ``gamma``/``beta``
    are the usual ``weight``/``bias`` of batch norm, shared by both branches.

    With ``track_running_stats=False`` the batch branch always uses the
    statistics of the current batch, in eval mode too.
    """

    def __init__(self,
                 num_features: int,
                 eps: float = 1e-5,
                 momentum: float = 0.1,
                 affine: bool = True,
                 track_running_stats: bool = True):
        super().__init__(num_features, eps, momentum, affine,
                         track_running_stats)
        self.gate = nn.Parameter(torch.ones(num_features))

    @property
    def rho(self) -> torch.Tensor:
        """The gate as used: clamped to ``[0, 1]``."""
        return self.gate.clamp(0, 1)

    @torch.no_grad()
    def clamp_gate_(self) -> None:
        self.gate.clamp_(0, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch_branch = super().forward(x)  # BN(x) * gamma + beta
        instance_branch = F.instance_norm(x, eps=self.eps)
        if self.affine:
            instance_branch = (
                instance_branch * self.weight[:, None, None] +
                self.bias[:, None, None])
        rho = self.rho[:, None, None]
        return rho * batch_branch + (1 - rho) * instance_branch


def clamp_bin_gates_(module: nn.Module) -> None:
    """Project the gate of every BIN layer in ``module`` into ``[0, 1]``."""
    for layer in module.modules():
        if isinstance(layer, BatchInstanceNorm2d):
            layer.clamp_gate_()

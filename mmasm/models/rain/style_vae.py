"""The style VAE of RAIN: a VAE over the 1024-d AdaIN style vector."""
from typing import Tuple

import torch
import torch.nn as nn


def _mlp(in_dim: int, hidden_dim: int, out_dim: int,
         depth: int) -> nn.Sequential:
    """``depth`` Linear layers with ReLU between them (none after the last)."""
    dims = [in_dim] + [hidden_dim] * (depth - 1) + [out_dim]
    layers = []
    for i, (cin, cout) in enumerate(zip(dims[:-1], dims[1:])):
        if i:
            layers.append(nn.ReLU(inplace=True))
        layers.append(nn.Linear(cin, cout))
    return nn.Sequential(*layers)


class StyleVAE(nn.Module):
    """Encodes style statistics ``(mu, sigma)`` to a Gaussian ``N(psi, xi)``
    over a latent style code ``eps`` and decodes ``eps`` back to statistics.

    Args:
        channels: feature channels C; the style vector is ``2 * C``-d.
        latent_dim: dimension of ``eps`` (512 in the paper).
        depth: Linear layers in each of encoder and decoder: 2 in the paper,
            3 in the authors' code and published weights.

    As in the authors' code, the encoder's output is split into ``psi`` (the
    first ``latent_dim`` entries) and ``xi`` (the rest), and ``xi`` is used
    raw as a standard deviation: it may be negative, which only flips the
    sign of the noise it scales.
    """

    def __init__(self,
                 channels: int = 512,
                 latent_dim: int = 512,
                 depth: int = 3,
                 hidden_dim: int = 1024):
        super().__init__()
        if depth < 1:
            raise ValueError(f'StyleVAE depth must be >= 1, got {depth}')
        self.channels = channels
        self.latent_dim = latent_dim
        self.depth = depth
        self.encoder = _mlp(2 * channels, hidden_dim, 2 * latent_dim, depth)
        self.decoder = _mlp(latent_dim, hidden_dim, 2 * channels, depth)

    def encode(self, mean: torch.Tensor,
               std: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Style statistics ``(N, C)`` x 2 -> ``(psi, xi)``, each ``(N, latent)``."""
        code = self.encoder(torch.cat([mean, std], dim=1))
        return code[:, :self.latent_dim], code[:, self.latent_dim:]

    def decode(self, eps: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Latent style code ``eps`` -> reconstructed ``(mean, std)``."""
        stats = self.decoder(eps)
        return stats[:, :self.channels], stats[:, self.channels:]

    @staticmethod
    def sample(psi: torch.Tensor,
               xi: torch.Tensor,
               generator: torch.Generator = None) -> torch.Tensor:
        """``eps ~ N(psi, xi)`` by reparameterisation."""
        noise = torch.randn(
            psi.shape, generator=generator, device=psi.device, dtype=psi.dtype)
        return psi + noise * xi

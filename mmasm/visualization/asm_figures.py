"""The two panels of the ASM paper's Fig. 7: where the style search moves
``eps`` around the anchor, and the segmentor loss's saw-tooth over the
search steps of training."""
from typing import Sequence, Tuple

import numpy as np
import torch


def _pyplot():
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    return plt


def project_search_path(
        path: torch.Tensor, cloud: torch.Tensor,
        anchor: torch.Tensor) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Project ``eps`` paths onto a plane through the anchor ``psi``.

    Axis 1 is the mean search displacement (``eps_n - eps_0`` over the
    images): the direction ASM moves styles in. Axis 2 is the main axis of
    the anchored cloud ``eps ~ N(psi, xi)`` orthogonal to it. A 512-d
    Gaussian cloud looks the same in every plane; the search does not.

    Args:
        path: ``(depth + 1, N, latent)`` codes of a search.
        cloud: ``(M, latent)`` codes drawn around the anchor.
        anchor: ``(latent,)`` the anchor mean ``psi``.

    Returns ``(path_xy (depth + 1, N, 2), cloud_xy (M, 2), axes (2, latent))``.
    """
    path, cloud, anchor = path.double(), cloud.double(), anchor.double()
    axis1 = (path[-1] - path[0]).mean(0)
    axis1 = axis1 / axis1.norm().clamp_min(1e-12)
    centred = cloud - anchor
    centred = centred - (centred @ axis1)[:, None] * axis1
    axis2 = torch.linalg.svd(centred, full_matrices=False).Vh[0]
    axes = torch.stack([axis1, axis2])
    return ((path - anchor) @ axes.T).numpy(), (
        (cloud - anchor) @ axes.T).numpy(), axes.numpy()


def plot_search_path(
        path: torch.Tensor,
        cloud: torch.Tensor,
        anchor: torch.Tensor,
        out_file: str,
        title: str = 'ASM style search around the anchor') -> None:
    """Fig. 7 (left): the anchored cloud, the anchor and each image's
    ``eps`` path, projected by :func:`project_search_path`."""
    plt = _pyplot()
    path_xy, cloud_xy, _ = project_search_path(path, cloud, anchor)
    fig, ax = plt.subplots(figsize=(5, 4.5))
    ax.scatter(
        cloud_xy[:, 0],
        cloud_xy[:, 1],
        s=6,
        c='0.75',
        label='eps ~ N(psi, xi) (anchored)')
    for i in range(path_xy.shape[1]):
        ax.plot(
            path_xy[:, i, 0],
            path_xy[:, i, 1],
            '-',
            c='tab:red',
            lw=1,
            alpha=0.8)
        ax.scatter(
            path_xy[0, i, 0], path_xy[0, i, 1], s=14, c='tab:blue', zorder=3)
        ax.scatter(
            path_xy[-1, i, 0], path_xy[-1, i, 1], s=14, c='tab:red', zorder=3)
    ax.scatter([0], [0],
               marker='*',
               s=160,
               c='k',
               zorder=4,
               label='anchor psi')
    ax.plot([], [], '-o', c='tab:red', ms=4, label='ASM search (start blue)')
    ax.set_xlabel('mean search direction')
    ax.set_ylabel('main axis of the anchored samples')
    ax.set_title(title)
    ax.legend(loc='best', fontsize=8)
    fig.tight_layout()
    fig.savefig(out_file, dpi=120)
    plt.close(fig)


def plot_loss_sawtooth(
        losses: Sequence[Sequence[float]],
        out_file: str,
        title: str = 'Segmentation loss over the search steps') -> None:
    """Fig. 7 (right): ``losses[t][d]`` is the segmentor loss at search
    depth ``d`` of iteration ``t``. Drawn step by step, the loss climbs
    within an iteration (harder styles) and drops when a new batch starts
    from a fresh ``eps``."""
    plt = _pyplot()
    losses = np.asarray(losses, dtype=float)
    iters, depth = losses.shape
    steps = np.arange(iters * depth)
    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.plot(steps, losses.reshape(-1), '-', c='0.4', lw=1)
    for d in range(depth):
        ax.scatter(
            steps[d::depth],
            losses[:, d],
            s=12,
            zorder=3,
            label=f'depth {d + 1}' if depth > 1 else None)
    ax.set_xlabel('optimizer step (search depth n = %d per iteration)' % depth)
    ax.set_ylabel('segmentation loss L_M')
    ax.set_title(title)
    if depth > 1:
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out_file, dpi=120)
    plt.close(fig)

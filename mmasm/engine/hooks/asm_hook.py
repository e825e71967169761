"""ASMHook: Adversarial Style Mining inside mmseg's own training loop."""
from typing import List, Optional, Sequence, Union

import torch
from mmengine.dist import broadcast_object_list, get_rank
from mmengine.hooks import Hook

from mmasm.models.asm import AdversarialStyleMining, StyleSearch
from mmasm.models.rain import compute_anchor
from mmasm.models.rain.resampling import render_size
from mmasm.registry import HOOKS
from mmasm.utils import (list_images, read_rgb, rgb_grid, seed_generator,
                         unwrap_model)
from .asm_batch_adapters import batch_adapter

DATA_BATCH = Optional[Union[dict, tuple, list]]
#: The most pixels a target is encoded at (``anchor_size`` None or (H, W)):
#: RAIN's VGG holds 64 float32 channels per pixel at relu1_1 (256 bytes),
#: about 2 GB here; a 10000x10000 target would need 25.6 GB.
MAX_ANCHOR_PIXELS = 4096 * 2048


def scalar(value) -> float:
    return value.detach().item() if torch.is_tensor(value) else float(value)


@HOOKS.register_module()
class ASMHook(Hook):
    """Adversarial Style Mining (Luo et al., NeurIPS 2020, Alg. 1) as a hook,
    for mmseg segmentors and mmpretrain classifiers alike (the batch's data
    samples pick the adapter, see :mod:`.asm_batch_adapters`).

    For each source batch the hook encodes ``f_c = E(x_S)`` once, draws one
    latent style code ``eps ~ N(psi, xi)`` per image around the one-shot
    target's anchor, and for each of the ``search_depth`` (n) steps trains
    the task model on ``RAIN(x_S, eps)`` with ``runner.model.train_step`` (so
    it behaves the same under DDP) and moves ``eps`` up the task loss's
    gradient, which the same backward left on ``eps``: no extra forward or
    backward of the task model. The last step's batch is handed to the train
    loop's own ``train_step``, so an iteration makes ``n`` optimizer steps.

    Random streams are re-seeded every iteration from the runner's seed,
    the iteration and the rank (:meth:`seed_iteration`): each rank searches
    its own styles, and a resumed run (on any number of ranks) draws what an
    uninterrupted run on that many ranks draws, with no generator state in
    the checkpoint.

    Args:
        rain_checkpoint: RAIN weights (an mmasm checkpoint, see
            ``tools/convert_rain_weights.py``, or the ``rain_final.pth`` of a
            RAIN pretraining run of ``tools/train.py``).
        target: the one-shot target image ``x_T``; a list of images or a
            folder gives one anchor ``(psi_i, xi_i)`` per image (k-shot).
            Not needed for ``sampling='random'``.
        search_depth: the paper's ``n`` (2 for segmentation, 5 for
            classification).
        step_size: the paper's ``beta``.
        step_rule: ``'paper'`` (eps += beta * grad), ``'authors'``
            (beta / loss * grad), ``'sign'`` or ``'l2'``.
        sampling: ``'asm'``, ``'anchored'`` or ``'random'`` (Table 4's arms).
        keep_source: also train the unstylized source images in each batch,
            as the authors' code does (their batch is [stylized, source]).
        prob: probability that a batch is stylized at all; otherwise it is
            trained once, unchanged. Drawn identically on every rank.
        render_scale: run RAIN at this fraction of the image size (see
            :class:`AdversarialStyleMining`; 1.0 = paper).
        anchor_size: the size ``(H, W)`` the target is resized to before
            its anchor ``(psi, xi)`` is encoded (relu4_1 statistics depend
            on the scale). ``'crop'`` (default): the size the source crops
            are stylized at (their size times ``render_scale``), as the
            authors encode their target at the 1024x512 of their crops;
            ``None``: the target's own size.
        clamp_stylized: clamp the stylized images to [0, 255] (BGR) before
            the segmentor, with a straight-through gradient to eps; the
            authors feed the raw, unbounded decoder output (``False``).
        rain: config of the RAIN model the checkpoint holds.
        vis_interval: save a source / stylized-per-depth grid through the
            runner's visualizer every this many iterations (0: never).
    """

    priority = 'NORMAL'

    def __init__(self,
                 rain_checkpoint: Optional[str],
                 target: Union[str, Sequence[str], None] = None,
                 search_depth: int = 2,
                 step_size: float = 20.0,
                 step_rule: str = 'paper',
                 sampling: str = 'asm',
                 keep_source: bool = False,
                 prob: float = 1.0,
                 render_scale: float = 1.0,
                 anchor_size: Union[str, Sequence[int], None] = 'crop',
                 clamp_stylized: bool = True,
                 rain: dict = dict(type='RAIN'),
                 vis_interval: int = 500):
        if not isinstance(prob, (int, float)) or not 0.0 <= prob <= 1.0:
            raise ValueError(
                f'ASMHook prob must be a number in [0, 1], got {prob!r}')
        if sampling != 'random' and not target:
            raise ValueError(
                f"ASMHook with sampling='{sampling}' needs a `target` image")
        self.anchor_size = self._check_anchor_size(anchor_size)
        # Read the target image(s) now, so that a bad file fails at build time.
        self.target_files = list_images(target) if target else []
        self.target_images = [read_rgb(f) for f in self.target_files]
        self._check_anchor_pixels()
        self.mining = AdversarialStyleMining(
            dict(rain, checkpoint=rain_checkpoint),
            search_depth=search_depth,
            step_size=step_size,
            step_rule=step_rule,
            sampling=sampling,
            render_scale=render_scale)
        self._anchor_computed_at = None
        self.clamp_stylized = clamp_stylized
        self.keep_source = keep_source
        self.prob = prob
        self.vis_interval = vis_interval
        self.num_resampled = 0
        self._rng = self._shared_rng = None
        self._search: Optional[StyleSearch] = None
        self._vis_rows: List[torch.Tensor] = []

    @staticmethod
    def _check_anchor_size(anchor_size):
        if anchor_size is None or anchor_size == 'crop':
            return anchor_size
        if (isinstance(anchor_size, (list, tuple)) and len(anchor_size) == 2
                and all(isinstance(s, int) and s > 0 for s in anchor_size)):
            return tuple(anchor_size)
        raise ValueError(f"ASMHook anchor_size must be 'crop', None or (H, W) "
                         f'positive integers, got {anchor_size!r}')

    def _check_anchor_pixels(self) -> None:
        """Refuse a target whose anchor encoding would exceed
        :data:`MAX_ANCHOR_PIXELS` (``'crop'``: bounded by the crops)."""
        if self.anchor_size == 'crop':
            return
        for file, image in zip(self.target_files, self.target_images):
            height, width = self.anchor_size or image.shape[-2:]  # CHW
            if height * width > MAX_ANCHOR_PIXELS:
                raise ValueError(
                    f'ASMHook target {file} is {image.shape[-1]}x{image.shape[-2]} '
                    f'(WxH); with anchor_size={self.anchor_size!r} RAIN would encode '
                    f'it at {width}x{height}, {height * width / 1e6:.1f} MPix (about '
                    f'{height * width * 256 / 1e9:.1f} GB for one VGG relu1_1 '
                    f'activation), above the {MAX_ANCHOR_PIXELS / 1e6:.1f} MPix bound. '
                    f"Set anchor_size='crop' (default), a size such as (512, 1024) "
                    f'(the ASM authors\' 1024x512), or resize the image.')

    @property
    def search_depth(self) -> int:
        return self.mining.search_depth

    def update_anchor(self, source_size: Sequence[int]) -> None:
        """Compute the target anchor(s) ``(psi, xi)`` at ``anchor_size``,
        unless they already are at that size. ``source_size``: the size of
        the source images of the batch, for ``anchor_size='crop'``."""
        if not self.target_images:
            return
        size = self.anchor_size
        if size == 'crop':
            size = render_size(source_size, self.mining.render_scale)
        key = ('size', size)  # size None (native) differs from "not computed"
        if key != self._anchor_computed_at:
            self.mining.use_anchor(
                *compute_anchor(self.mining.rain, self.target_images, size))
            self._anchor_computed_at = key

    def before_run(self, runner) -> None:
        """Move RAIN next to the task model, compute the target anchor(s)
        (unless ``anchor_size='crop'``: at the first batch) and seed the
        hook's generators from the runner's seed."""
        model = unwrap_model(runner.model)
        self.device = next(model.parameters()).device
        self.mining.to(self.device)
        self._anchor_computed_at = None
        if self.anchor_size != 'crop':
            self.update_anchor(None)
        seed = [runner.seed if runner.seed is not None else 0]
        broadcast_object_list(seed)
        self._seed = seed[0]
        self._shared_rng = torch.Generator()
        self._rng = torch.Generator(device=self.device)

    def seed_iteration(self, iteration: int) -> None:
        """Start the random streams of ``iteration``: the one shared by all
        ranks (``prob``) from ``(seed, iteration)``, this rank's (the style
        search) from ``(seed, iteration, 1 + rank)``."""
        seed_generator(self._shared_rng, self._seed, iteration)
        seed_generator(self._rng, self._seed, iteration, 1 + get_rank())

    def before_train_iter(self,
                          runner,
                          batch_idx: int,
                          data_batch: DATA_BATCH = None) -> None:
        self._search = None
        self.seed_iteration(runner.iter)
        if torch.rand(1, generator=self._shared_rng).item() >= self.prob:
            return
        inputs, samples = data_batch['inputs'], data_batch['data_samples']
        adapter = batch_adapter(samples)
        images = adapter.images(inputs, self.device)
        self.update_anchor(images.shape[-2:])
        search = self._search = self.mining.search(images, self._rng)
        visualize = self.vis_interval and runner.iter % self.vis_interval == 0
        self._vis_rows = [images[:4]] if visualize else []
        for depth in range(self.search_depth):
            last = depth == self.search_depth - 1
            with torch.set_grad_enabled(not last):
                stylized = search.stylized()
            if visualize:
                self._vis_rows.append(stylized[:4].detach())
            batch = adapter.style_batch(stylized, inputs, samples,
                                        self.keep_source, self.clamp_stylized)
            # other keys ride along, e.g. a UDA batch's target images for self-training
            batch.update({
                k: v
                for k, v in data_batch.items() if k not in batch
            })
            if last:
                data_batch.update(
                    batch)  # the loop's own train_step trains on it
                return
            log_vars = runner.model.train_step(
                batch, optim_wrapper=runner.optim_wrapper)
            loss = scalar(log_vars['loss'])
            runner.message_hub.update_scalar(f'train/asm_loss_depth{depth}',
                                             loss)
            search.step(loss)

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch: DATA_BATCH = None,
                         outputs: Optional[dict] = None) -> None:
        search = self._search
        if search is None:
            return
        hub = runner.message_hub
        if outputs is not None and 'loss' in outputs:
            hub.update_scalar(f'train/asm_loss_depth{self.search_depth - 1}',
                              scalar(outputs['loss']))
        hub.update_scalar('train/asm_anchor_distance',
                          search.anchor_distance().mean().item())
        hub.update_scalar('train/asm_step_norm', search.last_step_norm)
        self.num_resampled += search.num_resampled
        hub.update_scalar('train/asm_resampled', self.num_resampled)
        if self._vis_rows:
            runner.visualizer.add_image(
                'asm_search', rgb_grid(self._vis_rows), step=runner.iter)
            self._vis_rows = []
        self._search = None

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint['asm_hook'] = dict(num_resampled=self.num_resampled)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        state = checkpoint.get('asm_hook')
        if state is not None:  # the random streams need no state
            self.num_resampled = state['num_resampled']

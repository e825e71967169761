"""Self-training UDA: DACS (Tranheden et al., WACV 2021), the DAFormer
recipe (Hoyer et al., CVPR 2022) and MIC (Hoyer et al., CVPR 2023)."""
from copy import deepcopy
from typing import Dict, List, Optional, Sequence, Union

import numpy as np
import torch
from mmengine.optim import OptimWrapper, OptimWrapperDict
from mmengine.structures import PixelData
from mmengine.visualization import Visualizer
from mmseg.models.utils import resize
from mmseg.structures import SegDataSample

from mmasm.registry import MODELS
from ..utils import (ImageNormalization, block_masks, class_mix_masks, mix,
                     pixel_weighted_losses, strong_augment)
from ..utils.strong_augmentation import JITTER_MODES
from .ema_teacher import copy_weights, ema_alpha, teacher_mode, update_ema
from .feature_distance import ImageNetFeatureDistance, capture_last_features
from .hrda_parts import feature_distance_inputs, masked_pseudo_labels
from .mix_visualization import label_palette, mix_grid
from .pseudo_labels import PseudoLabels, pseudo_labels
from .uda_segmentor import UDASegmentor

TARGET_KEYS = ('target_inputs', 'target_data_samples')


@MODELS.register_module()
class DACS(UDASegmentor):
    """Mean-teacher self-training with ClassMix, as DACS and DAFormer.

    Each iteration, for a batch of labelled source images ``x_S`` and
    unlabelled target images ``x_T`` (``UDADataset``'s batch layout):

    1. source loss: cross-entropy of the student on ``x_S``, plus ``λ`` times
       the ImageNet feature distance (``imnet_feature_dist``); backpropagated
       at once, as DAFormer, to free its graph before the next forward;
    2. pseudo-labels: the teacher's argmax on the unaugmented ``x_T``, each
       pixel weighted by the share of pixels with max probability >= ``τ``,
       0 on the top / bottom ``pseudo_weight_ignore_*`` rows;
    3. ClassMix: half of each source image's classes pasted onto its target
       image (image and label; weight 1 on pasted pixels, the pseudo-label
       weight elsewhere), colour jitter and blur on the mixed image, and the
       student's pixel-weighted cross-entropy on it (every head's own loss
       modules with ``weight=``: the decode head and any auxiliary head);
    4. MIC (``mic``): the student on the colour-augmented ``x_T`` with random
       patches masked, towards the pseudo-labels and weights of step 2;
    5. one optimizer step, then the teacher ``θ_t <- α θ_t + (1 - α) θ_s``
       with DAFormer's warm-up ``α_k = min(1 - 1 / (k + 1), α)``.

    Every student forward goes through ``self.segmentor`` (its DDP wrapper
    under ``MMSeparateDistributedDataParallel``); the teacher and the frozen
    ImageNet backbone run without gradient and without DDP. The teacher and
    the optimizer step count are module state, saved in checkpoints. Random
    choices per sample (classes, jitter, blur, masks) are seeded by the
    sample's ``draw_seed`` (``UDADataset`` + ``SeededInfiniteSampler``), else
    by the global torch generator.

    Args:
        alpha: the EMA factor ``α`` (DACS 0.99, DAFormer 0.999).
        pseudo_threshold: ``τ`` (0.968).
        pseudo_weight_ignore_top / pseudo_weight_ignore_bottom: rows of the
            crop whose pseudo-label weight is 0 (DAFormer: 15 / 120).
        mix_classes: ``'image'`` (the papers: each source image's classes) or
            ``'authors'`` (DAFormer's code: the batch's, ignore included).
        color_jitter_strength / color_jitter_prob / blur: DACS' strong
            augmentation (0.2, 0.8, True; blur with probability 0.5).
        color_jitter_mode: ``'authors'`` (kornia 0.5's operations, as
            DAFormer's and MIC's code) or ``'torchvision'``.
        imnet_feature_dist: ``None`` or the arguments of
            :class:`ImageNetFeatureDistance` (``loss_weight`` ``λ``,
            ``classes``, ``scale_min_ratio`` ``r``).
        mic: ``None`` or ``dict(mask_ratio=0.7, block_size=64,
            loss_weight=1.0, augment=True)``.
        teacher_norm: ``'batch'`` (the authors': target-batch statistics) or
            ``'running'`` for the teacher's normalisation layers.
        eval_network: ``'student'`` (DAFormer) or ``'teacher'``.
        vis_interval: log a mixing grid through mmengine's visualizer every
            this many steps (0: never).
        segmentor_type, **segmentor: the student (see :class:`UDASegmentor`).
    """

    def __init__(self,
                 alpha: float = 0.999,
                 pseudo_threshold: float = 0.968,
                 pseudo_weight_ignore_top: int = 0,
                 pseudo_weight_ignore_bottom: int = 0,
                 mix_classes: str = 'image',
                 color_jitter_strength: float = 0.2,
                 color_jitter_prob: float = 0.8,
                 blur: bool = True,
                 color_jitter_mode: str = 'authors',
                 imnet_feature_dist: Optional[dict] = None,
                 mic: Optional[dict] = None,
                 teacher_norm: str = 'batch',
                 eval_network: str = 'student',
                 vis_interval: int = 1000,
                 segmentor_type: str = 'EncoderDecoder',
                 **segmentor):
        super().__init__(segmentor_type, **segmentor)
        if eval_network not in ('student', 'teacher'):
            raise ValueError(
                f"eval_network must be 'student' or 'teacher', got {eval_network!r}"
            )
        if color_jitter_mode not in JITTER_MODES:
            raise ValueError(
                f'color_jitter_mode must be one of {JITTER_MODES}, '
                f'got {color_jitter_mode!r}')
        if not 0.0 <= alpha < 1.0:
            raise ValueError(f'alpha must be in [0, 1), got {alpha}')
        student = self.segmentor_module
        self.teacher = deepcopy(student).requires_grad_(False)
        self.feature_distance = (
            ImageNetFeatureDistance(student, **imnet_feature_dist)
            if imnet_feature_dist else None)
        self.register_buffer('ema_steps', torch.zeros((), dtype=torch.long))
        self.alpha, self.pseudo_threshold = alpha, pseudo_threshold
        self.ignore_rows = (pseudo_weight_ignore_top,
                            pseudo_weight_ignore_bottom)
        self.mix_classes, self.blur = mix_classes, blur
        self.jitter = dict(
            jitter_strength=color_jitter_strength,
            jitter_prob=color_jitter_prob,
            blur_prob=0.5 if blur else 0.0,
            jitter_mode=color_jitter_mode)
        self.mic = None if mic is None else dict(
            dict(mask_ratio=0.7, block_size=64, loss_weight=1.0, augment=True),
            **mic)
        self.teacher_norm, self.eval_network = teacher_norm, eval_network
        self.vis_interval = vis_interval
        self.normalization = ImageNormalization(self.data_preprocessor)

    # -- networks -----------------------------------------------------------
    @property
    def num_classes(self) -> int:
        return self.segmentor_module.decode_head.num_classes

    @property
    def ignore_index(self) -> int:
        return self.segmentor_module.decode_head.ignore_index

    def inference_network(self):
        return self.teacher if self.eval_network == 'teacher' else self.segmentor

    def init_weights(self) -> None:
        """Initialise the student (e.g. ImageNet backbone); the teacher and
        the feature-distance backbone start as copies of it."""
        student = self.segmentor_module
        student.init_weights()
        copy_weights(self.teacher, student)
        if self.feature_distance is not None:
            self.feature_distance.reset(student)
        self._is_init = True

    # -- training step ------------------------------------------------------
    def train_step(
        self, data: Union[dict, tuple,
                          list], optim_wrapper: Union[OptimWrapper,
                                                      OptimWrapperDict]
    ) -> Dict[str, torch.Tensor]:
        wrapper = self.optim_wrappers(optim_wrapper, 'segmentor')['segmentor']
        source, target = self._preprocess(data)
        labels = self._source_labels(source['data_samples'])
        generators = self._generators(source['data_samples'])
        if int(self.ema_steps
               ) == 0:  # DAFormer: the teacher starts as the student
            copy_weights(self.teacher, self.segmentor_module)
        last = 'masked' if self.mic else 'mix'
        with wrapper.optim_context(self.segmentor):
            log_vars = self._source_loss(source, labels, wrapper)
            pseudo = pseudo_labels(
                self._teacher_logits(target['inputs']), self.pseudo_threshold,
                *self.ignore_rows)
            pseudo = masked_pseudo_labels(pseudo, target['data_samples'])
            paired, paired_pseudo = self._pair_targets(
                len(labels), target['inputs'], pseudo)
            mixed = self._class_mix(source['inputs'], paired, labels,
                                    paired_pseudo, generators)
            log_vars.update(
                self._weighted_loss('mix', mixed['inputs'], mixed['labels'],
                                    mixed['weight'], source['data_samples'],
                                    wrapper, last == 'mix'))
            if self.mic:
                masked = self._masked_target(target['inputs'],
                                             generators[:len(pseudo.label)])
                log_vars.update(
                    self._weighted_loss('masked', masked, pseudo.label,
                                        pseudo.weight, target['data_samples'],
                                        wrapper, True,
                                        self.mic['loss_weight']))
        if wrapper.should_update():
            self._update_teacher()
        log_vars['loss'] = sum(
            log_vars.pop(f'{term}.loss') for term in self._terms())
        log_vars.update(self._pseudo_label_stats(pseudo))
        self._visualize(source['inputs'], paired, labels, paired_pseudo, mixed)
        return log_vars

    def _terms(self) -> List[str]:
        return ['src', 'mix'] + (['masked'] if self.mic else [])

    def _preprocess(self, data: dict):
        missing = [key for key in TARGET_KEYS if key not in data]
        if missing:
            raise KeyError(
                f'DACS trains on source + target batches, but the batch has no '
                f'{", ".join(missing)}; use a UDADataset as train_dataloader.dataset'
            )
        source = self.data_preprocessor(
            dict(inputs=data['inputs'], data_samples=data['data_samples']),
            True)
        target = self.data_preprocessor(
            dict(
                inputs=data[TARGET_KEYS[0]],
                data_samples=data[TARGET_KEYS[1]]), True)
        if source['inputs'].shape[1:] != target['inputs'].shape[1:]:
            raise ValueError(
                f'source images {tuple(source["inputs"].shape[1:])} and target images '
                f'{tuple(target["inputs"].shape[1:])} differ in shape; crop both pipelines to '
                f'one size or set data_preprocessor.size')
        return source, target

    @staticmethod
    def _pair_targets(num_sources: int, target: torch.Tensor,
                      pseudo: PseudoLabels):
        """The target image (and pseudo-labels) each source image is mixed
        with: the one of the same index, cycled when a hook made the source
        batch larger (e.g. ASMHook's stylized + original source images)."""
        pair = torch.arange(num_sources, device=target.device) % len(target)
        return target[pair], PseudoLabels(pseudo.label[pair],
                                          pseudo.weight[pair],
                                          pseudo.confidence)

    def _source_labels(self, samples: Sequence[SegDataSample]) -> torch.Tensor:
        unlabelled = [
            s.metainfo.get('img_path') for s in samples
            if 'gt_sem_seg' not in s
        ]
        if unlabelled:
            raise ValueError(
                f'the source sample {unlabelled[0]} has no label (gt_sem_seg); the '
                f'source pipeline must load it (LoadAnnotations)')
        labels = torch.stack([s.gt_sem_seg.data
                              for s in samples]).squeeze(1).long()
        known = labels[labels != self.ignore_index]
        if known.numel() and int(known.max()) >= self.num_classes:
            raise ValueError(
                f'source label value {int(known.max())} >= model.decode_head.num_classes='
                f'{self.num_classes} (e.g. in {samples[0].metainfo.get("seg_map_path")}); the '
                f'segmentor and the source dataset disagree on the classes')
        return labels

    @staticmethod
    def _generators(samples: Sequence[SegDataSample]) -> List[torch.Generator]:
        generators = []
        for sample in samples:
            seed = sample.metainfo.get('draw_seed')
            if seed is None:  # not a SeededInfiniteSampler draw: the runner-seeded global RNG
                seed = int(torch.randint(2**31 - 1, (1, )))
            state = np.random.SeedSequence([int(seed),
                                            0x5E1F]).generate_state(1)[0]
            generators.append(torch.Generator().manual_seed(int(state)))
        return generators

    def _backward(self, wrapper: OptimWrapper, loss: torch.Tensor,
                  last: bool) -> None:
        """Backpropagate ``loss`` now; the ``last`` term of the iteration also
        steps (``update_params``), so gradient accumulation and AMP count one
        update per iteration."""
        if last:
            wrapper.update_params(loss)
            return
        loss = wrapper.scale_loss(loss)
        scaler = getattr(wrapper, 'loss_scaler', None)
        (scaler.scale(loss) if scaler is not None else loss).backward()

    def _backward_term(self, term: str, losses: dict, wrapper,
                       last: bool) -> Dict[str, torch.Tensor]:
        """Sum and backpropagate one term's losses; its log variables, the
        total as ``<term>.loss``."""
        loss, log_vars = self.segmentor_module.parse_losses(losses)
        self._backward(wrapper, loss, last)
        log_vars[f'{term}.loss'] = log_vars.pop('loss')
        return {
            k: v.detach() if torch.is_tensor(v) else v
            for k, v in log_vars.items()
        }

    def _source_loss(self, source: dict, labels: torch.Tensor,
                     wrapper) -> Dict[str, torch.Tensor]:
        student = self.segmentor_module
        with capture_last_features(student) as features:
            losses = self.segmentor(
                source['inputs'], source['data_samples'], mode='loss')
        losses = {f'src.{k}': v for k, v in losses.items()}
        if self.feature_distance is not None:
            losses['src.loss_imnet_feat_dist'] = self.feature_distance(
                *feature_distance_inputs(student, features, source['inputs']),
                labels)
        return self._backward_term('src', losses, wrapper, last=False)

    @torch.no_grad()
    def _teacher_logits(self, inputs: torch.Tensor) -> torch.Tensor:
        with teacher_mode(self.teacher, self.teacher_norm) as teacher:
            logits = teacher(inputs, None, mode='tensor')
        return resize(
            logits,
            size=inputs.shape[2:],
            mode='bilinear',
            align_corners=teacher.decode_head.align_corners)

    @torch.no_grad()
    def _class_mix(self, source: torch.Tensor, target: torch.Tensor,
                   labels: torch.Tensor, pseudo: PseudoLabels,
                   generators) -> Dict[str, torch.Tensor]:
        masks = class_mix_masks(labels, generators, self.ignore_index,
                                self.mix_classes)
        images = self.normalization.to_rgb01(mix(masks, source, target))
        augmented = strong_augment(images, generators, **self.jitter)
        return dict(
            inputs=self.normalization.from_rgb01(augmented),
            images=augmented,
            labels=mix(masks, labels, pseudo.label),
            weight=mix(masks, torch.ones_like(pseudo.weight), pseudo.weight))

    @torch.no_grad()
    def _masked_target(self, target: torch.Tensor, generators) -> torch.Tensor:
        if self.mic['augment']:  # MIC's 'separatetrgaug': augment, then mask
            images = strong_augment(
                self.normalization.to_rgb01(target), generators, **self.jitter)
            target = self.normalization.from_rgb01(images)
        masks = block_masks(target.shape[-2:], generators,
                            self.mic['block_size'], self.mic['mask_ratio'],
                            target.device)
        return target * masks  # 0 = the normalisation mean, as MIC

    def _weighted_loss(self,
                       prefix: str,
                       inputs: torch.Tensor,
                       labels: torch.Tensor,
                       weight: torch.Tensor,
                       samples: Sequence[SegDataSample],
                       wrapper,
                       last: bool,
                       loss_weight: float = 1.0) -> Dict[str, torch.Tensor]:
        student = self.segmentor_module
        samples = [
            _labelled_copy(s, label) for s, label in zip(samples, labels)
        ]
        with pixel_weighted_losses(student, weight):
            losses = self.segmentor(inputs, samples, mode='loss')
        losses = {
            f'{prefix}.{k}': (v * loss_weight if 'loss' in k else v)
            for k, v in losses.items()
        }
        return self._backward_term(prefix, losses, wrapper, last)

    @torch.no_grad()
    def _update_teacher(self) -> None:
        self.ema_steps += 1
        update_ema(self.teacher, self.segmentor_module,
                   ema_alpha(int(self.ema_steps), self.alpha))

    # -- logs ---------------------------------------------------------------
    def _pseudo_label_stats(self, pseudo: PseudoLabels) -> Dict[str, float]:
        counts = torch.bincount(
            pseudo.label.flatten(), minlength=self.num_classes).float()
        shares = (counts / counts.sum()).tolist()
        stats = {
            f'pl_share.{c}': share
            for c, share in enumerate(shares[:self.num_classes])
        }
        stats['pseudo_weight'] = pseudo.confidence
        return stats

    def _visualize(self, source, target, labels, pseudo: PseudoLabels,
                   mixed) -> None:
        step = int(self.ema_steps) - 1  # the step just made
        if not self.vis_interval or step < 0 or step % self.vis_interval:
            return
        try:
            visualizer = Visualizer.get_current_instance()
        except RuntimeError:  # no runner, no visualizer
            return
        palette = label_palette(self.num_classes, (visualizer.dataset_meta
                                                   or {}).get('palette'))
        to_rgb = self.normalization.to_rgb01
        grid = mix_grid(
            to_rgb(source), to_rgb(target), mixed['images'], labels,
            pseudo.label, mixed['labels'], mixed['weight'], palette)
        visualizer.add_image('dacs_mix', grid, step=step)


def _labelled_copy(sample: SegDataSample,
                   label: torch.Tensor) -> SegDataSample:
    """A data sample with ``sample``'s metainfo and ``label`` ``(H, W)``."""
    copy = SegDataSample(metainfo=sample.metainfo)
    copy.gt_sem_seg = PixelData(data=label.unsqueeze(0))
    return copy

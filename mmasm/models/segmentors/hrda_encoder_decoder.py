"""HRDA's multi-resolution segmentor (Hoyer et al., ECCV 2022, section 3;
the authors' ``HRDAEncoderDecoder``, lhoyer/HRDA)."""
from typing import List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from mmengine.config import ConfigDict
from mmseg.models.segmentors import EncoderDecoder
from mmseg.models.utils import resize
from mmseg.utils import add_prefix

from mmasm.registry import MODELS
from ..decode_heads.hrda_head import Box, DetailWindows, crop


def random_crop_box(height: int, width: int, crop_size: Sequence[int],
                    divisible: int, generator: torch.Generator) -> Box:
    """A random ``crop_size`` box of a ``height x width`` image whose
    offsets are multiples of ``divisible`` (the authors' ``get_crop_bbox``:
    offsets drawn from ``[0, (margin + 1) // divisible)``, so a margin that
    is a multiple of ``divisible`` is never reached)."""
    crop_h, crop_w = crop_size
    if (height, width) == (crop_h, crop_w):
        return 0, height, 0, width
    offsets = []
    for margin in (max(height - crop_h, 0), max(width - crop_w, 0)):
        cells = max((margin + 1) // divisible, 1)
        offsets.append(
            int(torch.randint(cells, (1, ), generator=generator)) * divisible)
    return (offsets[0], offsets[0] + crop_h, offsets[1], offsets[1] + crop_w)


def sliding_boxes(height: int, width: int, crop_size: Sequence[int],
                  stride: Sequence[int]) -> List[Box]:
    """mmseg's sliding windows (the last row / column flush with the
    border)."""
    (crop_h, crop_w), (stride_h, stride_w) = crop_size, stride
    rows = max(height - crop_h + stride_h - 1, 0) // stride_h + 1
    cols = max(width - crop_w + stride_w - 1, 0) // stride_w + 1
    boxes = []
    for row in range(rows):
        for col in range(cols):
            y2 = min(row * stride_h + crop_h, height)
            x2 = min(col * stride_w + crop_w, width)
            boxes.append((max(y2 - crop_h, 0), y2, max(x2 - crop_w, 0), x2))
    return boxes


@MODELS.register_module()
class HRDAEncoderDecoder(EncoderDecoder):
    """One backbone run at a context and a detail scale, fused by
    :class:`~mmasm.models.decode_heads.HRDAHead`.

    Training (``loss``): the context input is the whole image resized by
    ``scales[0]`` (0.5); the detail input a random ``hr_crop_size`` crop of
    the image at ``scales[1]`` (1.0) with offsets on the
    ``crop_coord_divisible`` grid (8 = output stride 4 x context
    downscale 2), a fresh box per call. Inference (``'tensor'`` mode,
    ``encode_decode``, so also pseudo-labels): the context of the whole
    input and the detail of sliding ``hr_crop_size`` windows (stride half
    the crop with ``hr_slide_overlapping``), averaged. ``test_cfg`` may use
    mmseg's ``mode='slide'`` around that (HRDA: 1024 windows, stride 512);
    ``test_cfg.batched_slide`` runs those windows as one batch (faster,
    several times the memory; off by default so that validation fits a
    24 GB card).

    Random boxes come from a generator seeded by the count of boxes drawn
    so far (a buffer, so saved in checkpoints) and the samples' ``draw_seed``
    (``UDADataset``): exact on resume and independent of the global RNG.

    Args:
        scales: context and detail scales (any order; sorted).
        hr_crop_size: the detail crop ``(h, w)``; ``None``: the whole image.
        hr_slide_inference: sliding detail windows at inference.
        hr_slide_overlapping: windows overlap by half their size.
        crop_coord_divisible: the offset grid of detail crops.
        blur_hr_crop: blur the detail input by down- and upsampling
            (ablation).
        feature_scale: the scale whose features the feature distance uses.
        **kwargs: :class:`EncoderDecoder`'s (no ``auxiliary_head``).
    """

    def __init__(self,
                 backbone: dict,
                 decode_head: dict,
                 scales: Sequence[float] = (0.5, 1.0),
                 hr_crop_size: Optional[Sequence[int]] = (512, 512),
                 hr_slide_inference: bool = True,
                 hr_slide_overlapping: bool = True,
                 crop_coord_divisible: int = 8,
                 blur_hr_crop: bool = False,
                 feature_scale: float = 0.5,
                 **kwargs):
        if kwargs.get('auxiliary_head') is not None:
            raise ValueError('HRDAEncoderDecoder does not support '
                             'auxiliary_head (neither do the authors)')
        scales = tuple(sorted(scales))
        if len(scales) != 2:
            raise ValueError(f'HRDAEncoderDecoder: scales must hold a '
                             f'context and a detail scale, got {scales}')
        if feature_scale not in scales:
            raise ValueError(f'HRDAEncoderDecoder: feature_scale '
                             f'{feature_scale} is not one of {scales}')
        super().__init__(backbone, dict(decode_head, scales=scales), **kwargs)
        # attribute access as mmseg's inference expects, from plain dicts too
        self.test_cfg = ConfigDict(self.test_cfg or {})
        self.scales, self.feature_scale = scales, feature_scale
        self.crop_size = None if hr_crop_size is None else tuple(hr_crop_size)
        self.hr_slide_inference = hr_slide_inference
        self.hr_slide_overlapping = hr_slide_overlapping
        self.crop_coord_divisible = crop_coord_divisible
        self.blur_hr_crop = blur_hr_crop
        self._check_grid()
        self.register_buffer('crop_draws', torch.zeros((), dtype=torch.long))

    def _check_grid(self) -> None:
        stride = self.decode_head.output_stride / self.scales[0]
        if self.crop_size is not None and (self.crop_coord_divisible % stride
                                           or any(size % stride
                                                  for size in self.crop_size)):
            raise ValueError(
                f'HRDAEncoderDecoder: crop_coord_divisible '
                f'({self.crop_coord_divisible}) and hr_crop_size '
                f'{self.crop_size} must be multiples of the head stride / '
                f'context scale ({stride:g}) for the fusion to align')

    # -- inputs at each scale -------------------------------------------
    def scaled(self, inputs: torch.Tensor, scale: float) -> torch.Tensor:
        """``inputs`` resized by ``scale`` (bilinear, as HRDA)."""
        if scale == 1:
            return inputs
        return resize(
            inputs,
            scale_factor=scale,
            mode='bilinear',
            align_corners=self.align_corners)

    def _detail_input(self, inputs: torch.Tensor) -> torch.Tensor:
        if self.blur_hr_crop:
            return self.scaled(self.scaled(inputs, 0.5), 2.0)
        return self.scaled(inputs, self.scales[1])

    def _draw_crop_box(self, height: int, width: int, data_samples) -> Box:
        seeds = [
            int(s.metainfo.get('draw_seed', 0)) for s in data_samples or []
        ]
        entropy = [int(self.crop_draws), *seeds]
        self.crop_draws += 1
        state = np.random.SeedSequence(entropy).generate_state(1)[0]
        generator = torch.Generator().manual_seed(int(state))
        return random_crop_box(height, width, self.crop_size,
                               self.crop_coord_divisible, generator)

    def train_features(self,
                       inputs: torch.Tensor,
                       data_samples=None) -> Tuple[List[list], Optional[Box]]:
        """``[context features, detail-crop features]`` and the crop box
        (the backbone runs on the context first)."""
        context = self.extract_feat(self.scaled(inputs, self.scales[0]))
        detail = self._detail_input(inputs)
        box = None
        if self.crop_size is not None:
            box = self._draw_crop_box(*detail.shape[-2:], data_samples)
            detail = crop(detail, box)
        return [context, self.extract_feat(detail)], box

    def _inference_features(self, inputs: torch.Tensor) -> list:
        context = self.extract_feat(self.scaled(inputs, self.scales[0]))
        detail = self._detail_input(inputs)
        if not (self.hr_slide_inference and self.crop_size is not None):
            return [context, self.extract_feat(detail)]
        stride = self.crop_size
        if self.hr_slide_overlapping:
            stride = tuple(size // 2 for size in self.crop_size)
        boxes = sliding_boxes(*detail.shape[-2:], self.crop_size, stride)
        windows = torch.cat([crop(detail, box) for box in boxes])
        return [context, DetailWindows(self.extract_feat(windows), boxes)]

    # -- mmseg's segmentor interface ------------------------------------
    def loss(self, inputs: torch.Tensor, data_samples) -> dict:
        features, box = self.train_features(inputs, data_samples)
        losses = self.decode_head.loss(
            features, data_samples, self.train_cfg, crop_box=box)
        return add_prefix(losses, 'decode')

    def _forward(self, inputs: torch.Tensor, data_samples=None):
        """The fused logits of the whole input (context + sliding detail
        windows), at the detail output stride."""
        return self.decode_head.forward(self._inference_features(inputs))[0]

    def encode_decode(self, inputs: torch.Tensor,
                      batch_img_metas: List[dict]) -> torch.Tensor:
        return resize(
            self._forward(inputs),
            size=inputs.shape[2:],
            mode='bilinear',
            align_corners=self.align_corners)

    def slide_inference(self, inputs: torch.Tensor,
                        batch_img_metas: List[dict]) -> torch.Tensor:
        """mmseg's slide inference; ``test_cfg.batched_slide`` decodes all
        windows as one batch (HRDA's default, the authors' memory issue)."""
        boxes = sliding_boxes(*inputs.shape[2:], self.test_cfg.crop_size,
                              self.test_cfg.stride)
        crops = [crop(inputs, box) for box in boxes]
        if self.test_cfg.get('batched_slide', False):
            logits = self.encode_decode(torch.cat(crops), batch_img_metas)
            logits = logits.split(len(inputs))
        else:
            logits = [self.encode_decode(c, batch_img_metas) for c in crops]
        batch, _, height, width = inputs.shape
        preds = inputs.new_zeros((batch, self.out_channels, height, width))
        count = inputs.new_zeros((batch, 1, height, width))
        for (y1, y2, x1, x2), logit in zip(boxes, logits):
            preds += F.pad(logit, (x1, width - x2, y1, height - y2))
            count[:, :, y1:y2, x1:x2] += 1
        return preds / count

"""HRDA's multi-resolution fusion head (Hoyer et al., ECCV 2022, section
3.2; the authors' ``HRDAHead``, lhoyer/HRDA)."""
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.models.losses import accuracy
from mmseg.models.utils import resize
from mmseg.utils import add_prefix

from mmasm.registry import MODELS

#: ``(y1, y2, x1, x2)`` of a detail crop, in pixels of the detail image.
Box = Tuple[int, int, int, int]
#: BaseDecodeHead arguments the fusion head shares with its single-scale head.
SHARED_KEYS = ('num_classes', 'out_channels', 'threshold', 'align_corners',
               'ignore_index', 'loss_decode', 'sampler')


class DetailWindows(NamedTuple):
    """Features of sliding detail windows stacked window-major (window
    ``i`` holds rows ``i * B : (i + 1) * B``) and their boxes in pixels of
    the detail image (the authors' ``{'features', 'boxes'}``)."""
    features: List[torch.Tensor]
    boxes: List[Box]


def scale_box(box: Box, stride: float) -> Box:
    """``box`` in pixels -> in cells of ``stride`` pixels (the authors'
    ``scale_box``: truncation, exact when the box is on the stride grid)."""
    return tuple(int(v / stride) for v in box)


def crop(tensor: torch.Tensor, box: Box) -> torch.Tensor:
    """The ``(y1, y2, x1, x2)`` box of the last two dimensions."""
    y1, y2, x1, x2 = box
    return tensor[..., y1:y2, x1:x2]


@MODELS.register_module()
class HRDAHead(BaseDecodeHead):
    """Scale-attention fusion of a context (low-resolution) and a detail
    (high-resolution) prediction of one single-scale head.

    ``forward`` takes ``[context features, detail features]`` (the detail
    ones a :class:`DetailWindows` for sliding inference) and returns
    ``(fused, context, detail)`` logits:
    ``a = sigmoid(A(f_c))`` (zeroed outside the detail box in training),
    ``fused = up(a) * detail_pasted + up((1 - a) * context)``, where
    ``detail_pasted`` holds the detail logits inside the box and zeros
    elsewhere. Losses: the fused logits against the full label with weight
    ``1 - hr_loss_weight - lr_loss_weight``, the detail logits against the
    label cropped by the box with ``hr_loss_weight`` (HRDA's ``λ_d = 0.1``),
    the context logits with ``lr_loss_weight`` (0). Pixel weights (the
    ``sampler``, e.g. self-training's pseudo-label weights) are cropped with
    the label.

    Args:
        single_scale_head: config of the head run at both scales (any mmseg
            decode head; HRDA: DAFormer's). Its ``num_classes``, losses,
            ``ignore_index``, ``align_corners`` and ``sampler`` are this
            head's unless overridden in ``**kwargs``.
        scale_attention_head: config of ``A``; ``None``: derived from the
            single-scale head (:class:`HRDAAttentionHead` for DAFormer's,
            else a copy of it), with ``attention_embed_dim`` channels.
        attention_classwise: one attention channel per class (HRDA) or one.
        hr_loss_weight / lr_loss_weight: detail / context loss weights.
        scales: ``(context, detail)`` scales, set by the segmentor.
        output_stride: the single-scale head's output stride (4 for
            DAFormer's, 8 for DeepLab-v2's).
        fixed_attention: a constant attention in place of ``A`` (ablation).
    """

    def __init__(self,
                 single_scale_head: dict,
                 scale_attention_head: Optional[dict] = None,
                 attention_embed_dim: int = 256,
                 attention_classwise: bool = True,
                 hr_loss_weight: float = 0.1,
                 lr_loss_weight: float = 0.0,
                 scales: Sequence[float] = (0.5, 1.0),
                 output_stride: int = 4,
                 fixed_attention: Optional[float] = None,
                 **kwargs):
        if not isinstance(single_scale_head, dict):
            raise TypeError('HRDAHead: single_scale_head must be a head '
                            f'config dict, got {single_scale_head!r}')
        head_cfg = dict(single_scale_head)
        shared = {k: head_cfg[k] for k in SHARED_KEYS if k in head_cfg}
        shared.update(kwargs)
        shared.setdefault('init_cfg', None)  # no conv_seg of its own
        channels = head_cfg.get('channels', 1)
        super().__init__(in_channels=channels, channels=channels, **shared)
        del self.conv_seg, self.dropout  # the sub-heads classify
        self.head = MODELS.build(head_cfg)
        self.scale_attention = None
        if fixed_attention is None:
            self.scale_attention = MODELS.build(
                scale_attention_head or self._attention_cfg(
                    head_cfg, attention_embed_dim, attention_classwise))
        self.fixed_attention = fixed_attention
        if len(scales) != 2 or scales[0] > scales[1]:
            raise ValueError('HRDAHead: scales must be (context, detail) '
                             f'with context <= detail, got {scales}')
        if hr_loss_weight + lr_loss_weight >= 1:
            raise ValueError('HRDAHead: hr_loss_weight + lr_loss_weight '
                             'must be < 1 (the fused loss keeps the rest)')
        self.scales = tuple(scales)
        self.output_stride = output_stride
        self.hr_loss_weight, self.lr_loss_weight = (hr_loss_weight,
                                                    lr_loss_weight)

    def _attention_cfg(self, head_cfg: dict, embed_dim: int,
                       classwise: bool) -> dict:
        cfg = dict(
            head_cfg,
            num_classes=self.num_classes if classwise else 1,
            out_channels=None)
        if str(cfg['type']).split('.')[-1] == 'DAFormerHead':
            cfg.update(
                type='mmasm.HRDAAttentionHead',
                channels=embed_dim,
                embed_dims=embed_dim)
        return cfg

    # -- fusion ---------------------------------------------------------
    def scale_attention_map(self, context_features) -> torch.Tensor:
        """``sigmoid(A(f_c))`` (or the fixed attention)."""
        if self.scale_attention is None:
            return self.fixed_attention
        return torch.sigmoid(self.scale_attention(context_features))

    def decode_detail(self, detail, batch_size: int) -> torch.Tensor:
        """Detail logits: of the crop, or of sliding windows averaged into
        the whole detail image (the authors' ``decode_hr``)."""
        if not isinstance(detail, DetailWindows):
            return self.head(detail)
        logits = self.head(detail.features)
        boxes = [scale_box(b, self.output_stride) for b in detail.boxes]
        height = max(b[1] for b in boxes)
        width = max(b[3] for b in boxes)
        preds = logits.new_zeros((batch_size, logits.shape[1], height, width))
        count = logits.new_zeros((batch_size, 1, height, width))
        for i, (y1, y2, x1, x2) in enumerate(boxes):
            window = logits[i * batch_size:(i + 1) * batch_size]
            preds += F.pad(window, (x1, width - x2, y1, height - y2))
            count[:, :, y1:y2, x1:x2] += 1
        if bool((count == 0).any()):
            raise RuntimeError('HRDAHead: the detail windows do not cover '
                               'the image')
        return preds / count

    def forward(self, inputs, crop_box: Optional[Box] = None):
        """``(fused, context, detail)`` logits of ``[context features,
        detail features]``; ``crop_box`` the detail crop in training."""
        if len(inputs) != 2:
            raise ValueError('HRDAHead takes [context features, detail '
                             f'features], got {len(inputs)} entries')
        context_feats, detail_feats = inputs
        lr_scale, hr_scale = self.scales
        lr_seg = self.head(context_feats)
        hr_seg = self.decode_detail(detail_feats, lr_seg.shape[0])
        att = self.scale_attention_map(context_feats)
        if crop_box is not None:
            y1, y2, x1, x2 = scale_box(crop_box, self.output_stride / lr_scale)
            mask = lr_seg.new_zeros((lr_seg.shape[0], 1, *lr_seg.shape[2:]))
            mask[:, :, y1:y2, x1:x2] = 1
            att = att * mask
        lr_seg = (1 - att) * lr_seg
        up_lr_seg = self._upsample(lr_seg, hr_scale / lr_scale)
        if torch.is_tensor(att):
            att = self._upsample(att, hr_scale / lr_scale)
        if crop_box is not None:
            y1, y2, x1, x2 = scale_box(crop_box, self.output_stride)
            hr_pasted = torch.zeros_like(up_lr_seg)
            hr_pasted[:, :, y1:y2, x1:x2] = hr_seg
        else:
            hr_pasted = hr_seg
        return att * hr_pasted + up_lr_seg, lr_seg, hr_seg

    def _upsample(self, x: torch.Tensor, factor: float) -> torch.Tensor:
        # mmseg 1.x's resize defaults to nearest: bilinear, as HRDA's
        return resize(
            x,
            scale_factor=factor,
            mode='bilinear',
            align_corners=self.align_corners)

    # -- mmseg's decode-head interface ---------------------------------
    def loss(self,
             inputs,
             batch_data_samples,
             train_cfg,
             crop_box: Optional[Box] = None) -> Dict[str, torch.Tensor]:
        seg_logits = self.forward(inputs, crop_box)
        return self.loss_by_feat(seg_logits, batch_data_samples, crop_box)

    def predict(self, inputs, batch_img_metas: List[dict],
                test_cfg) -> torch.Tensor:
        return self.predict_by_feat(self.forward(inputs)[0], batch_img_metas)

    def loss_by_feat(
            self,
            seg_logits,
            batch_data_samples,
            crop_box: Optional[Box] = None) -> Dict[str, torch.Tensor]:
        """The weighted fused / detail / context losses (``hr.*``,
        ``lr.*``); pixel weights from the sampler at the full label."""
        fused, lr_seg, hr_seg = seg_logits
        label = self._stack_batch_gt(batch_data_samples)
        fused = self._to_label(fused, label)
        weight = (
            self.sampler.sample(fused, label)
            if self.sampler is not None else None)
        fused_weight = 1 - self.hr_loss_weight - self.lr_loss_weight
        losses = _scaled(self._seg_losses(fused, label, weight), fused_weight)
        if self.lr_loss_weight > 0:
            lr_losses = self._seg_losses(
                self._to_label(lr_seg, label), label, weight)
            losses.update(
                add_prefix(_scaled(lr_losses, self.lr_loss_weight), 'lr'))
        if self.hr_loss_weight > 0:
            if crop_box is not None:
                label = crop(label, crop_box)
                weight = None if weight is None else crop(weight, crop_box)
            hr_losses = self._seg_losses(
                self._to_label(hr_seg, label), label, weight)
            losses.update(
                add_prefix(_scaled(hr_losses, self.hr_loss_weight), 'hr'))
        return losses

    def _to_label(self, logits: torch.Tensor,
                  label: torch.Tensor) -> torch.Tensor:
        return resize(
            logits,
            size=label.shape[2:],
            mode='bilinear',
            align_corners=self.align_corners)

    def _seg_losses(self, logits: torch.Tensor, label: torch.Tensor,
                    weight: Optional[torch.Tensor]) -> Dict[str, torch.Tensor]:
        """``BaseDecodeHead.loss_by_feat`` at the label's size, with
        ``weight`` given."""
        label = label.squeeze(1)
        losses_decode = (
            self.loss_decode if isinstance(self.loss_decode, nn.ModuleList)
            else [self.loss_decode])
        losses: Dict[str, torch.Tensor] = {}
        for loss_decode in losses_decode:
            value = loss_decode(
                logits, label, weight=weight, ignore_index=self.ignore_index)
            name = loss_decode.loss_name
            losses[name] = losses[name] + value if name in losses else value
        losses['acc_seg'] = accuracy(
            logits, label, ignore_index=self.ignore_index)
        return losses


def _scaled(losses: Dict[str, torch.Tensor],
            factor: float) -> Dict[str, torch.Tensor]:
    return {k: v * factor if 'loss' in k else v for k, v in losses.items()}

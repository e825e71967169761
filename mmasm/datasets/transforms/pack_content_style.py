"""Packing a (content, style) pair for RAIN pretraining."""
import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmengine.structures import BaseDataElement

from mmasm.registry import TRANSFORMS


def image_to_tensor(results: dict, role: str) -> torch.Tensor:
    """The ``(H, W, 3)`` uint8 BGR image of ``results`` as a CHW tensor."""
    img = results.get('img')
    if not isinstance(img, np.ndarray) or img.ndim != 3 or img.shape[2] != 3 \
            or img.dtype != np.uint8:
        desc = (f'{img.dtype} {img.shape}'
                if isinstance(img, np.ndarray) else type(img).__name__)
        raise ValueError(
            f'PackContentStyleInputs: the {role} image '
            f'{results.get("img_path", "")} must be 3-channel 8-bit '
            f'(H, W, 3) uint8, got {desc}; load it with '
            f"LoadImageFromFile(color_type='color')")
    return torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))


@TRANSFORMS.register_module()
class PackContentStyleInputs(BaseTransform):
    """``dict(content=..., style=...)`` results -> model inputs.

    Output: ``inputs=dict(content=TENSOR, style=TENSOR)`` with CHW uint8 BGR
    tensors (as mmseg packs images), and ``data_samples``, a
    ``BaseDataElement`` whose metainfo holds ``content_path``,
    ``style_path`` and, when the dataset set one, ``draw_seed``.
    """

    def transform(self, results: dict) -> dict:
        content, style = results['content'], results['style']
        meta = dict(
            content_path=content.get('img_path'),
            style_path=style.get('img_path'))
        if 'draw_seed' in results:
            meta['draw_seed'] = results['draw_seed']
        return dict(
            inputs=dict(
                content=image_to_tensor(content, 'content'),
                style=image_to_tensor(style, 'style')),
            data_samples=BaseDataElement(metainfo=meta))

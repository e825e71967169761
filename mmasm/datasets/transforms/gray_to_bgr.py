"""GrayToBGR: three equal channels for grey digit images (e.g. MNIST)."""
import numpy as np
from mmcv.transforms import BaseTransform

from mmasm.registry import TRANSFORMS


@TRANSFORMS.register_module()
class GrayToBGR(BaseTransform):
    """Repeat a grey ``img`` (``(H, W)`` or ``(H, W, 1)``) to ``(H, W, 3)``,
    as RAIN and a 3-channel classifier need; 3-channel images pass through.

    Required keys: ``img``. Modified keys: ``img``.
    """

    def transform(self, results: dict) -> dict:
        img = results['img']
        if img.ndim == 3 and img.shape[2] == 1:
            img = img[..., 0]
        if img.ndim == 2:
            results['img'] = np.ascontiguousarray(
                np.repeat(img[..., None], 3, axis=2))
        elif img.ndim != 3 or img.shape[2] != 3:
            raise ValueError(
                f'GrayToBGR: expected an (H, W), (H, W, 1) or (H, W, 3) image, '
                f'got shape {img.shape}')
        return results

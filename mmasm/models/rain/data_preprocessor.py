"""Batching (content, style) pairs into RAIN's input convention."""
from typing import Sequence

from mmengine.model import ImgDataPreprocessor

from mmasm.registry import MODELS


@MODELS.register_module()
class RAINDataPreprocessor(ImgDataPreprocessor):
    """Turns ``inputs=dict(content=[CHW uint8 BGR, ...], style=[...])`` into
    ``dict(content=NCHW, style=NCHW)``: float RGB in ``[0, 1]``, no mean
    subtraction (RAIN's convention; its encoder's 1x1 ``conv0`` does the
    rest).

    mmengine's :class:`ImgDataPreprocessor` (channel swap, division by 255,
    padding to the largest image and stacking) applied to each key of
    ``inputs``; ``data_samples`` are passed through.

    Args:
        keys: the entries of ``inputs`` to batch.
        pad_size_divisor, pad_value: padding of unequal images, as in
            ``ImgDataPreprocessor`` (training crops are all one size).
    """

    def __init__(self,
                 keys: Sequence[str] = ('content', 'style'),
                 pad_size_divisor: int = 1,
                 pad_value: float = 0,
                 non_blocking: bool = False):
        super().__init__(
            mean=(0., 0., 0.),
            std=(255., 255., 255.),
            pad_size_divisor=pad_size_divisor,
            pad_value=pad_value,
            bgr_to_rgb=True,
            non_blocking=non_blocking)
        self.keys = tuple(keys)

    def forward(self, data: dict, training: bool = False) -> dict:
        inputs = data.get('inputs') if isinstance(data, dict) else None
        if not isinstance(inputs, dict) or set(self.keys) - set(inputs):
            found = sorted(inputs) if isinstance(inputs, dict) \
                else type(inputs)
            raise ValueError(f'RAINDataPreprocessor expects data["inputs"] to '
                             f'be a dict with keys {list(self.keys)} (as '
                             f'packed by PackContentStyleInputs), got {found}')
        batches = {
            key:
            super(RAINDataPreprocessor,
                  self).forward(dict(inputs=inputs[key]), training)['inputs']
            for key in self.keys
        }
        data_samples = self.cast_data(data.get('data_samples'))
        return dict(inputs=batches, data_samples=data_samples)

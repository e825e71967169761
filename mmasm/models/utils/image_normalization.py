"""Between a segmentor's normalised input tensors and RGB images in [0, 1]."""
import torch
import torch.nn as nn


class ImageNormalization:
    """The inverse of a ``SegDataPreProcessor``'s normalisation and channel
    order, for augmentations defined on RGB images in [0, 1] (colour jitter,
    blur) applied to batches the preprocessor already normalised.

    The preprocessor hands the network RGB when it converts channels
    (``bgr_to_rgb=True``: mmcv loads BGR) and BGR otherwise (e.g. the caffe
    DeepLab-v2 convention).
    """

    def __init__(self, preprocessor: nn.Module):
        mean, std = getattr(preprocessor, 'mean',
                            None), getattr(preprocessor, 'std', None)
        if not getattr(preprocessor, '_enable_normalize', mean is not None):
            mean, std = torch.zeros(3, 1, 1), torch.ones(3, 1, 1)
        self.mean, self.std = mean, std
        self.rgb = bool(getattr(preprocessor, '_channel_conversion', False))

    def to_rgb01(self, inputs: torch.Tensor) -> torch.Tensor:
        """Normalised ``(N, 3, H, W)`` network inputs -> RGB in [0, 1]."""
        images = (inputs * self.std.to(inputs) + self.mean.to(inputs)) / 255.0
        return images if self.rgb else images.flip(1)

    def from_rgb01(self, images: torch.Tensor) -> torch.Tensor:
        """RGB in [0, 1] -> normalised network inputs."""
        images = images if self.rgb else images.flip(1)
        return (images * 255.0 - self.mean.to(images)) / self.std.to(images)

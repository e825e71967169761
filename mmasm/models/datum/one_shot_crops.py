"""The DreamBooth training images of DATUM: random crops of the one-shot
target image."""
import torch
import torch.nn.functional as F

from mmasm.utils import read_rgb


class OneShotCrops:
    """Random ``crop_size`` crops of the one-shot target image x_T, resized
    first so that its short side is ``resize_short_side`` (bilinear), no
    flip, scaled to [-1, 1] (the authors' DreamBooth dataset: Resize(1024),
    RandomCrop(512), Normalize(0.5, 0.5)).

    Args:
        image_path: the one-shot target image.
        resize_short_side: short side after resizing (1024; a Cityscapes
            image keeps its 2048x1024 size).
        crop_size: side of the square crops (512, SD v1's resolution).
    """

    def __init__(self,
                 image_path: str,
                 resize_short_side: int = 1024,
                 crop_size: int = 512):
        image = read_rgb(image_path, min_size=1)
        height, width = image.shape[1:]
        scale = resize_short_side / min(height, width)
        size = (round(height * scale), round(width * scale))
        if size != (height, width):
            image = F.interpolate(
                image[None],
                size=size,
                mode='bilinear',
                align_corners=False,
                antialias=True)[0]
        if min(size) < crop_size:
            raise ValueError(
                f'one-shot image {image_path!r}: {crop_size}x{crop_size} crops '
                f'need a short side >= {crop_size} after resizing to '
                f'{resize_short_side} (got {size[1]}x{size[0]})')
        self.image = image.clamp(0, 1) * 2 - 1
        self.crop_size = crop_size

    def sample(self,
               generator: torch.Generator,
               batch_size: int = 1) -> torch.Tensor:
        """``batch_size`` crops ``(B, 3, crop, crop)`` at offsets drawn from
        ``generator`` (a CPU generator)."""
        height, width = self.image.shape[1:]
        crops = []
        for _ in range(batch_size):
            top = int(
                torch.randint(
                    0, height - self.crop_size + 1, (1, ),
                    generator=generator))
            left = int(
                torch.randint(
                    0, width - self.crop_size + 1, (1, ), generator=generator))
            crops.append(self.image[:, top:top + self.crop_size,
                                    left:left + self.crop_size])
        return torch.stack(crops)

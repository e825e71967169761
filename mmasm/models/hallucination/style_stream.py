"""The random style images (and noise) of ASH, reproducible per iteration."""
from typing import Sequence, Tuple, Union

import torch
import torch.nn.functional as F

from mmasm.utils import list_images, read_rgb, seed_generator


class StyleImageStream:
    """Style images drawn at random from a folder, and the generator of the
    orthogonal noise ``Z``, from one CPU generator that is re-seeded from
    ``(seed, rank, iteration)`` before every iteration: each rank draws its
    own styles, and a resumed run draws what the uninterrupted run drew
    without any random state in the checkpoint.

    Args:
        style: a folder (searched recursively), an image or a list of them.
    """

    def __init__(self, style: Union[str, Sequence[str]]):
        try:
            self.files = list_images(style)
        except (FileNotFoundError, ValueError) as err:
            raise type(err)(f'ASH style images ({style!r}): {err}') from err
        self.generator = torch.Generator()

    def reseed(self, seed: int, rank: int, iteration: int) -> None:
        """Start the stream of ``iteration`` on ``rank``."""
        seed_generator(self.generator, seed, rank, iteration)

    def draw(self,
             num: int,
             size: Tuple[int, int],
             device: Union[str, torch.device] = 'cpu') -> torch.Tensor:
        """``num`` style images, RGB in [0, 1], resized to ``size``."""
        picks = torch.randint(
            len(self.files), (num, ), generator=self.generator).tolist()
        styles = [
            F.interpolate(
                read_rgb(self.files[i])[None],
                size=tuple(size),
                mode='bilinear',
                align_corners=False,
                antialias=True) for i in picks
        ]
        return torch.cat(styles).to(device)

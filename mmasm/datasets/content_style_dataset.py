"""Content images paired with random style images (RAIN pretraining)."""
import random
from contextlib import contextmanager
from typing import Iterator, Optional, Sequence, Union

import numpy as np
from mmengine.dataset import Compose

from mmasm.registry import DATASETS
from .samplers import SampleDraw


@contextmanager
def seeded_global_rng(seed: int) -> Iterator[None]:
    """Seed numpy's and Python's global random generators (the ones mmcv
    and mmseg transforms draw from) and restore their states afterwards."""
    np_state, py_state = np.random.get_state(), random.getstate()
    np.random.seed(seed)
    random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(np_state)
        random.setstate(py_state)


def build_dataset(cfg: Union[dict, object], role: str):
    if isinstance(cfg, dict):
        return DATASETS.build(cfg)
    if not hasattr(cfg, '__getitem__') or not hasattr(cfg, '__len__'):
        raise TypeError(f'ContentStyleDataset: `{role}` must be a dataset '
                        f'config dict or a dataset, got {type(cfg)}')
    return cfg


@DATASETS.register_module()
class ContentStyleDataset:
    """Each content sample paired with a style image drawn at random.

    The training data of RAIN (the paper's pretraining on source images and
    WikiArt paintings): one sample per content image; each time it is read,
    a style image is drawn uniformly from the style dataset. Both datasets
    apply their own ``pipeline`` (e.g. load, resize to 512x1024, random crop
    256); this dataset's ``pipeline`` then sees
    ``dict(content=CONTENT_RESULTS, style=STYLE_RESULTS)`` and typically
    ends with ``PackContentStyleInputs``.

    Randomness: given an int index, choices come from numpy's global
    generator (seeded per worker by mmengine). Given a
    :class:`~mmasm.datasets.samplers.SampleDraw` (from
    ``SeededInfiniteSampler``), the style draw and every random transform
    are seeded by ``draw.rng_seed()``, and the results carry that seed as
    ``draw_seed`` (the pretrainer seeds its latent noise with it): a sample
    is then a function of the runner's seed and its position in the sampler
    stream only, so resumed runs repeat uninterrupted ones exactly.

    Args:
        content: config (or instance) of any mmengine/mmseg dataset, e.g.
            ``CityscapesDataset`` or ``ImageFolderDataset``.
        style: config (or instance) of the style dataset, e.g. an
            ``ImageFolderDataset`` of WikiArt.
        pipeline: transforms applied to the pair.
    """

    def __init__(self,
                 content: Union[dict, object],
                 style: Union[dict, object],
                 pipeline: Sequence[dict] = ()):
        self.content = build_dataset(content, 'content')
        self.style = build_dataset(style, 'style')
        for role, dataset in (('content', self.content), ('style',
                                                          self.style)):
            if len(dataset) == 0:
                raise ValueError(f'ContentStyleDataset: the {role} dataset '
                                 f'{type(dataset).__name__} is empty')
        self.pipeline = Compose(list(pipeline))

    @property
    def metainfo(self) -> dict:
        return dict(getattr(self.content, 'metainfo', {}))

    def __len__(self) -> int:
        return len(self.content)

    def __getitem__(self, idx: Union[int, SampleDraw]) -> Optional[dict]:
        if isinstance(idx, SampleDraw):
            seed = idx.rng_seed()
            with seeded_global_rng(seed):
                return self.prepare_pair(idx.index, draw_seed=seed)
        return self.prepare_pair(int(idx))

    def prepare_pair(self,
                     index: int,
                     draw_seed: Optional[int] = None) -> Optional[dict]:
        """Content sample ``index`` with a random style, through the
        pipelines."""
        results = dict(
            content=self.content[index],
            style=self.style[np.random.randint(len(self.style))])
        if draw_seed is not None:
            results['draw_seed'] = draw_seed
        return self.pipeline(results)

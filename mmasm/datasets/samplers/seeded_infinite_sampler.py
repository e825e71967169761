"""An infinite sampler whose items identify each draw, for exact resuming."""
from typing import Iterator, NamedTuple

import numpy as np
from mmengine.dataset import InfiniteSampler

from mmasm.registry import DATA_SAMPLERS


class SampleDraw(NamedTuple):
    """One item of :class:`SeededInfiniteSampler`: the dataset ``index`` and
    the draw's place in the sampler's stream (``seed``, ``position``)."""
    index: int
    seed: int
    position: int

    def rng_seed(self) -> int:
        """A 32-bit seed for every random choice made for this draw."""
        return int(
            np.random.SeedSequence([self.seed,
                                    self.position]).generate_state(1)[0])


@DATA_SAMPLERS.register_module()
class SeededInfiniteSampler(InfiniteSampler):
    """:class:`mmengine.dataset.InfiniteSampler` yielding :class:`SampleDraw`
    items instead of bare indices.

    The index stream is the parent's (same shuffle, same rank slicing). A
    dataset that understands ``SampleDraw`` (e.g. ``ContentStyleDataset``)
    seeds its random choices with ``draw.rng_seed()``, so a sample depends
    only on the runner's seed and its position in the stream: not on the
    data-loader worker that loads it, nor on whether the run was resumed.
    (mmengine resumes an ``InfiniteSampler`` by skipping indices without
    loading the skipped samples, so samples drawn from a global random state
    would differ after a resume.)
    """

    def _infinite_indices(self) -> Iterator[SampleDraw]:
        for position, index in enumerate(super()._infinite_indices()):
            yield SampleDraw(index, self.seed, position)

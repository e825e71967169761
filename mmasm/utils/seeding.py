"""Random streams that are a function of where they are used, not of what
was drawn before: resumed and distributed runs need no generator state."""
import numpy as np
import torch


def seed_generator(generator: torch.Generator, *entropy:
                   int) -> torch.Generator:
    """Re-seed ``generator`` from the integers ``entropy`` (e.g. ``seed,
    iteration, rank``) through NumPy's ``SeedSequence``, so that nearby
    tuples give independent streams; returns ``generator``."""
    state = np.random.SeedSequence([int(e) for e in entropy]).generate_state(2)
    return generator.manual_seed(int(state[0]) << 32 | int(state[1]))

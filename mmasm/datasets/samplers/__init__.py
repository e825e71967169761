from .seeded_infinite_sampler import SampleDraw, SeededInfiniteSampler

__all__ = ['SampleDraw', 'SeededInfiniteSampler']

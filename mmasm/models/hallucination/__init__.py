from .conditioning_net import (CONDITIONING_INPUTS, SemanticConditioningNet,
                               smoothed_class_map)
from .style_hallucinator import (NOISE_KINDS, ASHStyleHallucinator,
                                 Hallucination, orthogonal_noise,
                                 singular_vector_noise)
from .style_stream import StyleImageStream

__all__ = [
    'ASHStyleHallucinator', 'CONDITIONING_INPUTS', 'Hallucination',
    'NOISE_KINDS', 'SemanticConditioningNet', 'StyleImageStream',
    'orthogonal_noise', 'singular_vector_noise', 'smoothed_class_map'
]

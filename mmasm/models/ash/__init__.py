from .conditioning_net import (CONDITIONING_INPUTS, SemanticConditioningNet,
                               smoothed_class_map)
from .style_hallucinator import (ASHStyleHallucinator, Hallucination,
                                 orthogonal_noise)
from .style_stream import StyleImageStream

__all__ = [
    'ASHStyleHallucinator', 'CONDITIONING_INPUTS', 'Hallucination',
    'SemanticConditioningNet', 'StyleImageStream', 'orthogonal_noise',
    'smoothed_class_map'
]

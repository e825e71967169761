from .conditioning_net import (CONDITIONING_INPUTS, SemanticConditioningNet,
                               smoothed_class_map)
from .style_hallucinator import (ASHStyleHallucinator, Hallucination,
                                 orthogonal_noise)

__all__ = [
    'ASHStyleHallucinator', 'CONDITIONING_INPUTS', 'Hallucination',
    'SemanticConditioningNet', 'orthogonal_noise', 'smoothed_class_map'
]

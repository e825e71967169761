from .bf16_optim_wrapper import BF16OptimWrapper
from .multi_optim_wrapper_constructor import \
    MultiNetworkOptimWrapperConstructor

__all__ = ['BF16OptimWrapper', 'MultiNetworkOptimWrapperConstructor']

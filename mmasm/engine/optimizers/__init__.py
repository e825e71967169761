from .multi_optim_wrapper_constructor import MultiNetworkOptimWrapperConstructor

__all__ = ['MultiNetworkOptimWrapperConstructor']

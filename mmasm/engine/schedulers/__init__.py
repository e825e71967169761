from .inverse_decay_lr import InverseDecayLR, InverseDecayParamScheduler

__all__ = ['InverseDecayLR', 'InverseDecayParamScheduler']

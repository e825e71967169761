from .rain_loss import RAINLoss

__all__ = ['RAINLoss']

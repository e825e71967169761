from .ash import ASH
from .uda_segmentor import UDASegmentor

__all__ = ['ASH', 'UDASegmentor']

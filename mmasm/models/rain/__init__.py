from .adain import adain, style_statistics
from .adain_decoder import AdaINDecoder
from .checkpoint import load_rain_checkpoint
from .rain import RAIN
from .style_vae import StyleVAE
from .vgg_encoder import VGGEncoder

__all__ = ['RAIN', 'StyleVAE', 'VGGEncoder', 'AdaINDecoder', 'adain',
           'style_statistics', 'load_rain_checkpoint']

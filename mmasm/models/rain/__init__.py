from .adain import adain, style_statistics
from .adain_decoder import AdaINDecoder
from .checkpoint import load_rain_checkpoint
from .data_preprocessor import RAINDataPreprocessor
from .inference import compute_anchor, load_rain, target_statistics
from .rain import RAIN
from .rain_loss import RAINLoss
from .rain_pretrainer import RAINPretrainer
from .style_vae import StyleVAE
from .vgg_encoder import VGGEncoder

__all__ = [
    'RAIN', 'StyleVAE', 'VGGEncoder', 'AdaINDecoder', 'adain',
    'style_statistics', 'load_rain_checkpoint', 'RAINDataPreprocessor',
    'RAINLoss', 'RAINPretrainer', 'compute_anchor', 'load_rain',
    'target_statistics'
]

from .asm_encoder_decoder import ASMEncoderDecoder
from .hrda_encoder_decoder import HRDAEncoderDecoder

__all__ = ['ASMEncoderDecoder', 'HRDAEncoderDecoder']

from .asm_encoder_decoder import ASMEncoderDecoder

__all__ = ['ASMEncoderDecoder']

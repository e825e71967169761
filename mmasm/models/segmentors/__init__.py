from .asm_encoder_decoder import ASMEncoderDecoder
from .consistency_loss import (authors_consistency, content_groups,
                               paper_consistency)

__all__ = ['ASMEncoderDecoder', 'authors_consistency', 'content_groups',
           'paper_consistency']

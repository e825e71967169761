"""The digits demo pair: scikit-learn's handwritten scans (source) and
rendered street-number-like digits (target), for one-shot classification
with ASM through mmpretrain (``tools/make_digit_domains.py``)."""
from .digit_domains import DigitDomains, make_digit_domains
from .source_digits import DIGIT_SIZE, load_source_digits
from .street_digits import render_street_digit, render_style_texture

__all__ = [
    'DIGIT_SIZE', 'DigitDomains', 'make_digit_domains', 'load_source_digits',
    'render_street_digit', 'render_style_texture'
]

# Table 4 arm 'anchored' on the digits demo: eps ~ N(psi, xi) of the one-shot
# image at every search step, no ascent (same cost as asm_digits.py).
_base_ = ['./asm_digits.py']
custom_hooks = [dict(_base_.custom_hooks[0], sampling='anchored')]

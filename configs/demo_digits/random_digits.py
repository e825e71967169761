# Table 4 arm 'random' on the digits demo: RAIN styles eps ~ N(0, I), no
# ascent, no target image (same cost as asm_digits.py).
_base_ = ['./asm_digits.py']
custom_hooks = [dict(_base_.custom_hooks[0], sampling='random', target=None)]

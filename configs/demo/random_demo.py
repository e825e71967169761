# Table 4 arm 'random' on the demo pair: RAIN styles eps ~ N(0, I), no ascent.
_base_ = ['./asm_demo.py']
custom_hooks = [dict(_base_.custom_hooks[0], sampling='random')]

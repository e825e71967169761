# Table 4 arm 'anchored' on the demo pair: eps ~ N(psi, xi) around the
# one-shot target's anchor, no ascent.
_base_ = ['./asm_demo.py']
custom_hooks = [dict(_base_.custom_hooks[0], sampling='anchored')]

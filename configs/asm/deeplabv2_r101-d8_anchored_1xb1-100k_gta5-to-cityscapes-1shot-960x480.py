# Table 4 arm 'anchored': RAIN styles without the adversarial ascent.
_base_ = [
    './deeplabv2_r101-d8_asm_1xb1-100k_gta5-to-cityscapes-1shot-960x480.py'
]
custom_hooks = [dict(_base_.custom_hooks[0], sampling='anchored')]

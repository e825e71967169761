# Table 4 arm 'source-only': the same segmentor and schedule, no ASM.
_base_ = [
    './deeplabv2_r101-d8_asm_1xb1-100k_gta5-to-cityscapes-1shot-960x480.py'
]
custom_hooks = []

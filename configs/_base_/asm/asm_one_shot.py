# Add one-shot ASM to any mmseg config (train with mmasm's tools/train.py):
#   _base_ = ['mmseg::segformer/segformer_mit-b0_8xb1-160k_cityscapes-1024x1024.py',
#             'mmasm::_base_/asm/asm_one_shot.py']
#   model = dict(type='mmasm.ASMEncoderDecoder')  # + consistency loss (Eq. 7)
# then point the train set at the labelled source domain.
_base_ = ['./asm_hook.py']

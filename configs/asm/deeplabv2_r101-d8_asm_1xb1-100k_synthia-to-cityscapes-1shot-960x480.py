# ASM, one-shot SYNTHIA -> Cityscapes, DeepLab-v2 ResNet-101: the paper's
# setting (Luo et al., NeurIPS 2020, Table 2: 44.1 mIoU over 13 classes).
_base_ = [
    '../_base_/models/deeplabv2_r101-d8.py',
    '../_base_/datasets/synthia_to_cityscapes_1shot.py',
    '../_base_/schedules/asm_sgd_poly_100k.py',
    '../_base_/default_runtime.py',
    '../_base_/asm/asm_hook.py',
]
model = dict(data_preprocessor=dict(size=_base_.crop_size))
custom_hooks = [
    dict(
        _base_.asm_hook,
        target=_base_.target_data_root + _base_.one_shot_image)
]

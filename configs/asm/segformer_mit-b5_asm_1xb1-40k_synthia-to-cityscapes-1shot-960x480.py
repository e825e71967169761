# ASM, SYNTHIA -> Cityscapes, with SegFormer MiT-B5 (not in the paper).
_base_ = [
    '../_base_/models/segformer_mit-b5_asm.py',
    '../_base_/datasets/synthia_to_cityscapes_1shot.py',
    '../_base_/schedules/asm_adamw_poly_40k.py',
    '../_base_/default_runtime.py',
    '../_base_/asm/asm_hook.py',
]
model = dict(data_preprocessor=dict(size=_base_.crop_size))
custom_hooks = [
    dict(
        _base_.asm_hook,
        target=_base_.target_data_root + _base_.one_shot_image)
]

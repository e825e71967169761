# ASM with SegFormer MiT-B5 (not in the paper; DATUM reports RAIN-only
# augmentation at 53.4 mIoU with MiT-B5): mmseg's SegFormer optimiser,
# DAFormer's 40k schedule.
_base_ = [
    '../_base_/models/segformer_mit-b5_asm.py',
    '../_base_/datasets/gta5_to_cityscapes_1shot.py',
    '../_base_/schedules/asm_sgd_poly_100k.py',
    '../_base_/default_runtime.py',
    '../_base_/asm/asm_hook.py',
]
model = dict(data_preprocessor=dict(size=_base_.crop_size))
custom_hooks = [
    dict(_base_.asm_hook,
         target=_base_.target_data_root + _base_.one_shot_image)
]
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=6e-5, betas=(0.9, 0.999), weight_decay=0.01),
    paramwise_cfg=dict(custom_keys={
        'pos_block': dict(decay_mult=0.),
        'norm': dict(decay_mult=0.),
        'head': dict(lr_mult=10.)
    }))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-6, by_epoch=False, begin=0, end=1500),
    dict(type='PolyLR', eta_min=0.0, power=1.0, by_epoch=False, begin=1500, end=40000),
]
train_cfg = dict(max_iters=40000)

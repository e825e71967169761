# SegFormer-style schedule for ASM (mmseg's SegFormer optimiser, DAFormer's
# 40k iterations): AdamW 6e-5, 10x lr on the head, no decay on norms and
# positional blocks, linear warm-up 1.5k, poly 1.0. Hooks as the SGD schedule.
_base_ = ['./asm_sgd_poly_100k.py']
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(
        type='AdamW', lr=6e-5, betas=(0.9, 0.999), weight_decay=0.01),
    paramwise_cfg=dict(
        custom_keys={
            'pos_block': dict(decay_mult=0.),
            'norm': dict(decay_mult=0.),
            'head': dict(lr_mult=10.)
        }))
param_scheduler = [
    dict(
        type='LinearLR', start_factor=1e-6, by_epoch=False, begin=0, end=1500),
    dict(
        type='PolyLR',
        eta_min=0.0,
        power=1.0,
        by_epoch=False,
        begin=1500,
        end=40000),
]
train_cfg = dict(max_iters=40000)

# DAFormer's schedule: AdamW lr 6e-5, betas (0.9, 0.999), weight decay 0.01,
# 10x lr on the head, no decay on norms and positional blocks; poly (power
# 1.0) to 0 at 40k iterations, multiplied during the first 1.5k iterations
# by a linear warm-up from 1e-6 (mmcv 1.x's PolyLrUpdaterHook with
# warmup='linear', as the authors: both schedulers run from iteration 0 and
# mmengine chains them, so the lr at 1.5k is 0.9625 of the base, not 1);
# mmengine's schedulers reach their end value at `end - 1`, hence 1501 and
# 40001: lr(i) = lr (1 - i / 40000) (1e-6 + (1 - 1e-6) min(i / 1500, 1));
# validation and checkpoints every 4k.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(
        type='AdamW', lr=6e-5, betas=(0.9, 0.999), weight_decay=0.01),
    paramwise_cfg=dict(
        custom_keys={
            'head': dict(lr_mult=10.),
            'pos_block': dict(decay_mult=0.),
            'norm': dict(decay_mult=0.)
        }))
param_scheduler = [
    dict(
        type='LinearLR', start_factor=1e-6, by_epoch=False, begin=0, end=1501),
    dict(
        type='PolyLR',
        eta_min=0.0,
        power=1.0,
        by_epoch=False,
        begin=0,
        end=40001),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=40000, val_interval=4000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='CheckpointHook', by_epoch=False, interval=4000,
        max_keep_ckpts=2),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'))

# ASM's DeepLab-v2 schedule (paper section 4, authors' ASM_train.py): SGD,
# momentum 0.9, weight decay 5e-4, lr 2.5e-4 (10x on the classifier), linear
# warm-up over 5k iterations, poly decay (power 0.9) over 100k iterations,
# batch 1 (per source image; ASM trains on stylized + original).
optimizer = dict(type='SGD', lr=2.5e-4, momentum=0.9, weight_decay=5e-4)
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=optimizer,
    clip_grad=None,
    paramwise_cfg=dict(custom_keys={'decode_head': dict(lr_mult=10.)}))
# Both schedulers start at 0 and multiply: after the warm-up the lr is
# exactly the authors' lr * (1 - i / 100k) ** 0.9; during it, lr * i / 5k
# times the poly factor (>= 0.95), where the authors use lr * i / 5k alone.
param_scheduler = [
    dict(
        type='LinearLR', start_factor=1e-6, by_epoch=False, begin=0, end=5000),
    dict(
        type='PolyLR',
        eta_min=0.0,
        power=0.9,
        by_epoch=False,
        begin=0,
        end=100000),
]
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=100000, val_interval=2000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # the authors keep a snapshot every 2k iterations
    checkpoint=dict(
        type='CheckpointHook', by_epoch=False, interval=2000,
        max_keep_ckpts=5),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'))

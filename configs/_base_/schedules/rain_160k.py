# RAIN pretraining schedule of the ASM authors: Adam, lr 1e-4 decayed as
# lr / (1 + 5e-5 * iter), 160k iterations, one joint backward per iteration.
optim_wrapper = dict(
    type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-4), clip_grad=None)
param_scheduler = [
    dict(type='InverseDecayLR', gamma=5e-5, begin=0, by_epoch=False)
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=160000)
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='CheckpointHook',
        by_epoch=False,
        interval=10000,
        max_keep_ckpts=3),
    sampler_seed=dict(type='DistSamplerSeedHook'))

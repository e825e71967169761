# Runtime of mmasm's classification configs: mmpretrain's own default
# runtime (default_scope='mmpretrain': mmpretrain's types by plain name,
# mmasm's as 'mmasm.X'), iteration-based checkpoints and a fixed seed.
_base_ = ['mmpretrain::_base_/default_runtime.py']
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(
        type='CheckpointHook', by_epoch=False, interval=1000,
        max_keep_ckpts=1))
env_cfg = dict(dist_cfg=dict(backend='nccl'))
log_processor = dict(by_epoch=False)
randomness = dict(seed=0)

# Adversarial Style Mining for an mmpretrain classifier: the same ASMHook as
# for segmentors (the batch's DataSamples select its classification
# adapter), named with mmasm's scope in mmpretrain's default scope.
# Search depth n = 5 for classification (the paper). A config sets
# `target` (its one-shot image) and divides its iterations and parameter
# schedulers by `search_depth` (n optimizer steps per iteration).
search_depth = 5
rain_checkpoint = 'work_dirs/rain_digits/rain_digits.pth'
asm_cls_hook = dict(
    type='mmasm.ASMHook',
    rain_checkpoint=rain_checkpoint,
    rain=dict(type='RAIN', vae_depth=3),
    target=None,
    search_depth=search_depth,  # n
    step_size=20.0,  # beta
    step_rule='paper',
    sampling='asm',  # Table 4 arms: 'asm', 'anchored', 'random'
    keep_source=True,  # train [stylized, source], as the authors' code
    prob=1.0,
    vis_interval=500)

# Adversarial Style Mining (Luo et al., NeurIPS 2020, Alg. 1) as a hook.
# `asm_hook` is a variable so that a child config can change single fields:
#   custom_hooks = [dict(_base_.asm_hook, sampling='anchored')]
# or, from the command line: --cfg-options custom_hooks.0.target=my.png
#
# RAIN weights: convert the authors' release with
# tools/convert_rain_weights.py, or pretrain with tools/train.py.
rain_checkpoint = 'checkpoints/rain_vgg19_gta5-wikiart.pth'
asm_hook = dict(
    type='ASMHook',
    rain_checkpoint=rain_checkpoint,
    rain=dict(type='RAIN', vae_depth=3),  # 3: the published weights
    # the one-shot target x_T (the authors' choice); a list or a folder gives
    # one anchor per image (k-shot)
    target='data/cityscapes/leftImg8bit/train/aachen/'
    'aachen_000000_000019_leftImg8bit.png',
    search_depth=2,  # n
    step_size=20.0,  # beta
    step_rule='paper',  # eps += beta * grad; 'authors': beta / loss * grad
    sampling='asm',  # Table 4 arms: 'asm', 'anchored', 'random'
    # train [stylized, source] together, as the authors' code does; the
    # consistency loss (Eq. 7) needs both versions of each content
    keep_source=True,
    prob=1.0,
    # encode the target at the size the source crops are stylized at, as the
    # authors (their target and crops: 1024x512); None: its own 2048x1024
    anchor_size='crop',
    # clamp stylized images to [0, 255] (straight-through gradient to eps);
    # the authors feed RAIN's raw, unbounded output: False
    clamp_stylized=True,
    vis_interval=500)
custom_hooks = [asm_hook]

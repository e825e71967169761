# Adversarial Semantic Hallucination (Tjio et al., 2021) as a hook: zero-shot,
# no target image at all; the styles come from any folder of paintings or
# photos. `ash_hook` is a variable so that a child config can change single
# fields:
#   custom_hooks = [dict(_base_.ash_hook, style='data/my_photos/')]
# or, from the command line: --cfg-options custom_hooks.0.style=data/my_photos
#
# Only RAIN's VGG encoder and AdaIN decoder are used (frozen): convert the
# authors' release with tools/convert_rain_weights.py, or pretrain with
# tools/train_rain.py.
rain_checkpoint = 'checkpoints/rain_vgg19_gta5-wikiart.pth'
style_images = 'data/wikiart/'  # searched recursively
ash_hook = dict(
    type='ASHHook',
    rain_checkpoint=rain_checkpoint,
    rain=dict(type='RAIN', vae_depth=3),  # 3: the published weights
    style=style_images,
    num_classes=19,  # must match the segmentor's (checked before training)
    hallucinator=dict(
        label_smoothing=0.1,  # on the conditioning class map (authors)
        conditioning='softmax',  # or 'one_hot' (argmax prediction)
        alpha=0.5,  # Dec(0.5 f_src + 0.5 AdaIN(f_src, f'_sty))
        delta=1.0,  # f'_sty = Z f_sty * (gamma + delta) + beta
        orthogonal_noise=True),  # Z
    discriminator=dict(base_channels=64),  # C -> 64 -> 128 -> 256 -> 512 -> 1
    adv_weight=1e-3,  # segmentor: seg loss + 1e-3 * adversarial loss
    # ASH minimises -ash_adv_weight * L_adv + content / style terms; the
    # paper only calls the latter "small": 1e-2 is mmasm's choice
    ash_adv_weight=1.0,
    content_weight=1e-2,
    style_weight=1e-2,
    ash_optim_wrapper=dict(
        type='OptimWrapper',
        optimizer=dict(type='SGD', lr=2.5e-4, momentum=0.9,
                       weight_decay=5e-4)),
    disc_optim_wrapper=dict(
        type='OptimWrapper',
        optimizer=dict(type='Adam', lr=1e-4, betas=(0.9, 0.99))),
    # e.g. [dict(type='PolyLR', power=0.9, eta_min=0.0, begin=0, end=100000)]
    ash_param_scheduler=None,
    disc_param_scheduler=None,
    vis_interval=500)
custom_hooks = [ash_hook]

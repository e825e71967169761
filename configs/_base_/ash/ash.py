# Adversarial Semantic Hallucination (Tjio et al., 2021): zero-shot, no
# target image at all; the styles come from any folder of paintings or
# photos. ASH is a model (mmasm.ASH) that wraps the segmentor and trains it
# together with a style hallucinator and an output-space discriminator, one
# optim wrapper each. Add it to any mmseg EncoderDecoder config (train with
# mmasm's tools/train.py):
#
#   _base_ = ['mmseg::segformer/segformer_mit-b0_8xb1-160k_cityscapes-1024x1024.py',
#             'mmasm::_base_/ash/ash.py']
#   # the type switch: the config's own model keys build the segmentor
#   model = dict(_base_.ash_model, style='data/wikiart/',
#                rain_checkpoint='checkpoints/rain_vgg19_gta5-wikiart.pth')
#   # the config's own optim_wrapper trains the segmentor; this adds the
#   # hallucinator's and the discriminator's
#   optim_wrapper = _base_.ash_optim_wrapper
#
# `segmentor_type` names the class the config's `type` named
# ('EncoderDecoder' by default). The config's `param_scheduler` (a list)
# then steps all three optimizers; give one list per network with
#   param_scheduler = dict(_delete_=True, segmentor=[...], hallucinator=[...],
#                          discriminator=[...])
#
# Only RAIN's VGG encoder and AdaIN decoder are used (frozen): convert the
# authors' release with tools/convert_rain_weights.py, or pretrain with
# tools/train.py configs/rain/....
rain_checkpoint = 'checkpoints/rain_vgg19_gta5-wikiart.pth'
# searched recursively; the authors drew their styles from ImageNet photos
style_images = 'data/wikiart/'
ash_model = dict(
    type='mmasm.ASH',
    segmentor_type='EncoderDecoder',
    rain_checkpoint=rain_checkpoint,
    rain=dict(type='RAIN', vae_depth=3),  # 3: the published weights
    style=style_images,
    hallucinator=dict(
        label_smoothing=0.1,  # on the conditioning class map (authors)
        conditioning='softmax',  # or 'one_hot' (argmax prediction)
        alpha=0.5,  # Dec(0.5 f_src + 0.5 AdaIN(f_src, f'_sty))
        delta=1.0,  # f'_sty = Z f_sty * (gamma + delta) + beta
        # Z: f_sty * (1 + V), V singular vectors of a Gaussian (authors);
        # 'rotation' mixes the channels by a random orthogonal matrix
        noise='authors'),
    discriminator=dict(base_channels=64),  # C -> 64 -> 128 -> 256 -> 512 -> 1
    adv_weight=1e-3,  # segmentor: seg loss + 1e-3 * adversarial loss
    # ASH minimises -ash_adv_weight * L_adv + content / style terms: the
    # authors weight its L_adv as the segmentor's, and their content / style
    # terms (on AdaIN features) by 1e-8, i.e. not at all; mmasm's terms on
    # the decoded image are off (e.g. 1e-2 each turns them on)
    ash_adv_weight=1e-3,
    content_weight=0.0,
    style_weight=0.0,
    # authors: both adversarial weights times 1 - iter / 100k; None: off
    damping_iters=None,
    vis_interval=500)
# Merged into the config's optim_wrapper, whose own keys (type, optimizer,
# clip_grad, paramwise_cfg) become the segmentor's entry.
ash_optim_wrapper = dict(
    constructor='mmasm.MultiNetworkOptimWrapperConstructor',
    hallucinator=dict(  # its conditioning net
        type='OptimWrapper',
        optimizer=dict(type='SGD', lr=2.5e-4, momentum=0.9,
                       weight_decay=5e-4)),
    discriminator=dict(
        type='OptimWrapper',
        optimizer=dict(type='Adam', lr=1e-4, betas=(0.9, 0.99))))
# Distributed: each trained network in its own DDP, ASH's train_step runs.
model_wrapper_cfg = dict(type='MMSeparateDistributedDataParallel')

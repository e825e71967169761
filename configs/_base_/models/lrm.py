# LRM: one-shot image-to-image translation by latent representation mixing.
# Translator (encoder/decoder, BIN, 114,659 parameters), patch discriminator
# (LSGAN) and the losses of the authors' code:
#   30 * (L1 rec. source + L1 rec. target) + 1000 * LSGAN
#   + 1 * content (VGG relu2_2) + 5 * Gram style (relu1_2 ... relu4_3),
# images as RGB in [0, 255], not normalised (the authors' convention; their
# ImageNet VGG-19 loss network is fed the same unnormalised images).
model = dict(
    type='LRMTrainer',
    translator=dict(
        type='LRMTranslator',
        width=32,
        latent_channels=64,
        content_channels=32),
    discriminator=dict(type='LRMPatchDiscriminator'),
    perceptual_loss=dict(
        type='LRMPerceptualLoss',
        # checkpoint: a torchvision VGG state dict of `arch` (e.g. the file
        # of torchvision's VGG19_Weights.IMAGENET1K_V1; the authors use
        # VGG-19); None = random frozen VGG (a warning is logged; only for
        # tests and CPU demos).
        vgg=dict(arch='vgg19', checkpoint=None, imagenet_normalize=False),
        content_layer='relu2_2',
        style_layers=('relu1_2', 'relu2_2', 'relu3_3', 'relu4_3'),
        content_weight=1.0,
        style_weight=5.0),
    rec_weight=30.0,
    adv_weight=1000.0,
    data_preprocessor=dict(type='RAINDataPreprocessor'))
# One Adam per player, named after the model's attributes (the paper's
# settings; the Potsdam recipe runs what the authors' script runs).
optim_wrapper = dict(
    constructor='MultiNetworkOptimWrapperConstructor',
    translator=dict(
        type='OptimWrapper',
        optimizer=dict(type='Adam', lr=1e-3, betas=(0.5, 0.999))),
    discriminator=dict(
        type='OptimWrapper',
        optimizer=dict(type='Adam', lr=1e-3, betas=(0.5, 0.999))))
# LRMTrainer owns its train_step (translator step, then discriminator step):
# distributed, each network gets its own DDP and the model's train_step runs
# (mmengine's plain DDP wrapper would call its own train_step instead).
model_wrapper_cfg = dict(type='MMSeparateDistributedDataParallel')

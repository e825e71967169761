# RAIN (Random AdaIN) generator trained with Eq. 3 of the ASM paper:
# frozen VGG-19 encoder to relu4_1, AdaIN decoder and style VAE trained.
model = dict(
    type='RAINPretrainer',
    rain=dict(type='RAIN', vae_depth=3),  # 3 as the authors' code, 2 paper
    loss=dict(
        type='RAINLoss',
        content_weight=1.0,
        style_weight=1.0,
        kl_weight=1.0,
        rec_weight=5.0),
    data_preprocessor=dict(type='RAINDataPreprocessor'),
    # RAIN weights to start from, e.g. the VGG-19 encoder converted with
    # tools/convert_rain_weights.py (None: random encoder, only for tests).
    rain_checkpoint=None)

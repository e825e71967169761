# DeepLab-v2 ResNet-101 as DAFormer's framework trains it (its 'dlv2red' +
# 'r101v1c', used by DATUM's R101 experiments): mmseg's ResNetV1c-101 (deep
# stem, ImageNet weights open-mmlab://resnet101_v1c, trainable BN, output
# stride 8) and the DeepLab-v2 classifier with only the dilations 6 and 12
# (AdaptSegNet's code returns inside its loop after two branches), no BN in
# the decoder. ImageNet RGB normalisation. Needs mmasm (DeepLabV2Head).
norm_cfg = dict(type='BN', requires_grad=True)
data_preprocessor = dict(
    type='SegDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255,
    size=(512, 512))
model = dict(
    type='EncoderDecoder',
    data_preprocessor=data_preprocessor,
    pretrained='open-mmlab://resnet101_v1c',
    backbone=dict(
        type='ResNetV1c',
        depth=101,
        num_stages=4,
        out_indices=(0, 1, 2, 3),
        dilations=(1, 1, 2, 4),
        strides=(1, 2, 1, 1),
        norm_cfg=norm_cfg,
        norm_eval=False,
        style='pytorch',
        contract_dilation=True),
    decode_head=dict(
        type='DeepLabV2Head',
        in_channels=2048,
        in_index=3,
        dilations=(6, 12),
        num_classes=19,
        align_corners=False,
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))

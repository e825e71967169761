# A small DeepLab-v2 for CPU demos: ResNet-18 trained from scratch with
# trainable BN, at output stride 16 (layer4 dilation 2; the paper's stride 8
# costs 6x more here), and the summed ASPP classifier with dilations scaled
# down for 256x128 inputs (the paper's 6/12/18/24 are for 960x480 crops).
# ASMEncoderDecoder adds the consistency loss (Eq. 7) when ASMHook feeds
# [stylized, source] batches.
norm_cfg = dict(type='BN', requires_grad=True)
data_preprocessor = dict(
    type='SegDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255)
model = dict(
    type='ASMEncoderDecoder',
    data_preprocessor=data_preprocessor,
    pretrained=None,
    backbone=dict(
        type='ResNet',
        depth=18,
        num_stages=4,
        out_indices=(3, ),
        strides=(1, 2, 2, 1),
        dilations=(1, 1, 1, 2),
        contract_dilation=True,
        norm_cfg=norm_cfg,
        norm_eval=False),
    decode_head=dict(
        type='DeepLabV2Head',
        in_channels=512,
        in_index=0,
        dilations=(1, 2, 3, 4),
        num_classes=19,
        align_corners=False,
        loss_decode=dict(
            type='CrossEntropyLoss',
            use_sigmoid=False,
            avg_non_ignore=True,
            loss_weight=1.0)),
    consistency_weight=2e-4,
    consistency_mode='paper',
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))

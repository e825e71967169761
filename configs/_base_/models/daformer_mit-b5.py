# DAFormer's network (Hoyer et al., CVPR 2022): MiT-B5 encoder (mmseg's
# MixVisionTransformer, ImageNet weights) and the context-aware fusion
# decoder (mmasm's DAFormerHead: 256-channel embeddings, depthwise-separable
# ASPP with dilations 1/6/12/18, BN + ReLU, dropout 0.1). Needs mmasm.
_base_ = ['./mit-b5.py']
norm_cfg = dict(
    type='BN', requires_grad=True)  # the authors' (one process each)
data_preprocessor = dict(_base_.data_preprocessor, size=(512, 512))
model = dict(
    type='EncoderDecoder',
    data_preprocessor=data_preprocessor,
    pretrained=None,
    backbone=_base_.mit_b5,
    decode_head=dict(
        type='DAFormerHead',
        in_channels=[64, 128, 320, 512],
        in_index=[0, 1, 2, 3],
        embed_dims=256,
        channels=256,
        dilations=(1, 6, 12, 18),
        dropout_ratio=0.1,
        num_classes=19,
        norm_cfg=norm_cfg,
        align_corners=False,
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))

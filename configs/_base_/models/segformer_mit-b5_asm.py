# SegFormer MiT-B5 (mmseg's MixVisionTransformer + SegformerHead) trained
# with ASM's consistency loss (Eq. 7) on the head's fused feature, the input
# of its classifier. mmasm's types: use it in mmasm's scope
# (default_scope = 'mmasm', as mmasm's default runtime sets).
_base_ = ['./mit-b5.py']
# BN, not mmseg's SyncBN, so the config also runs in one CPU process
norm_cfg = dict(type='BN', requires_grad=True)
model = dict(
    type='ASMEncoderDecoder',
    data_preprocessor=_base_.data_preprocessor,
    pretrained=None,
    backbone=_base_.mit_b5,
    decode_head=dict(
        type='SegformerHead',
        in_channels=[64, 128, 320, 512],
        in_index=[0, 1, 2, 3],
        channels=256,
        dropout_ratio=0.1,
        num_classes=19,
        norm_cfg=norm_cfg,
        align_corners=False,
        # mean over labelled pixels, as the authors' CrossEntropy2d
        loss_decode=dict(
            type='CrossEntropyLoss',
            use_sigmoid=False,
            avg_non_ignore=True,
            loss_weight=1.0)),
    consistency_weight=2e-4,
    consistency_mode='paper',
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))

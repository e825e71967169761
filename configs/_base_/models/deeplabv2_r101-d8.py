# DeepLab-v2 ResNet-101 as used by ASM (Luo et al., NeurIPS 2020): plain
# caffe-style ResNet-101 (stride on the 1x1 conv), layer3 dilation 2, layer4
# dilation 4 (output stride 8), frozen BN (see norm_cfg), and the ASPP classifier whose
# four dilated branches (6/12/18/24) are summed, trained with ASM's
# consistency loss (Eq. 7). mmasm's types: use it in mmasm's scope
# (default_scope = 'mmasm', as mmasm's default runtime sets).
#
# Known deviation: mmseg's ResNet stem max-pool has no ceil_mode, so feature
# maps can be one pixel smaller than the authors' (no effect on weights).

# Backbone initialisation. The default is the MSRA caffe ImageNet
# ResNet-101 (BGR, mean subtraction, std 1). The authors start from
# AdaptSegNet's MS-COCO-pretrained DeepLab-v2
# (DeepLab_resnet_pretrained_init-f81d91e8.pth); set this to a converted
# copy of it, to a torchvision checkpoint ('torchvision://resnet101', then
# also use style='pytorch' and ImageNet RGB normalisation), or to None.
pretrained_backbone = 'open-mmlab://detectron2/resnet101_caffe'

# BatchNorm: the affine weights are always frozen (requires_grad=False).
# norm_eval=True (mmasm's default): BN normalises with its running
# statistics and never updates them, DeepLab-v2's usual frozen BN.
# norm_eval=False: the authors' ASM code (segmentor.train() with frozen
# affine): BN normalises with the statistics of each [stylized, source]
# batch and updates its running statistics. A config switches with
# model = dict(backbone=dict(norm_eval=False)).
norm_cfg = dict(type='BN', requires_grad=False)
data_preprocessor = dict(
    type='SegDataPreProcessor',
    # caffe BGR mean of DeepLab-v2 / the authors' IMG_MEAN, std 1
    mean=[104.008, 116.669, 122.679],
    std=[1.0, 1.0, 1.0],
    bgr_to_rgb=False,
    pad_val=0,
    seg_pad_val=255)
model = dict(
    type='ASMEncoderDecoder',
    data_preprocessor=data_preprocessor,
    pretrained=None,
    backbone=dict(
        type='ResNet',
        depth=101,
        num_stages=4,
        out_indices=(0, 1, 2, 3),
        strides=(1, 2, 1, 1),
        dilations=(1, 1, 2, 4),
        style='caffe',
        contract_dilation=False,
        norm_cfg=norm_cfg,
        norm_eval=True,
        # mmseg zero-inits each block's last BN; frozen, that would keep
        # every residual branch dead whenever no pretrained weights load
        zero_init_residual=False,
        init_cfg=dict(type='Pretrained', checkpoint=pretrained_backbone)),
    decode_head=dict(
        type='DeepLabV2Head',
        in_channels=2048,
        in_index=3,
        dilations=(6, 12, 18, 24),
        num_classes=19,
        # the authors upsample logits with align_corners=True
        align_corners=True,
        # mean over labelled pixels, as the authors' CrossEntropy2d
        loss_decode=dict(
            type='CrossEntropyLoss',
            use_sigmoid=False,
            avg_non_ignore=True,
            loss_weight=1.0)),
    # Eq. 7 on the classifier's input (layer4); 'authors' = their code's
    # per-channel norms of pre-BN layer4 conv outputs
    consistency_weight=2e-4,
    consistency_mode='paper',
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))

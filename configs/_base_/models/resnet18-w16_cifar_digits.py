# The digits demo's classifier: mmpretrain's ResNet-18 for 32x32 inputs
# (ResNet_CIFAR: 3x3 stem, no max-pool) at a quarter of the width (16 stem
# and base channels, 128 at the last stage) so that the demo's arms train in
# minutes on one CPU core. The paper's classifier is a full ResNet-18 at
# 64x64 (configs/asm_cls/).
num_classes = 10
model = dict(
    type='ImageClassifier',
    # the loaders yield BGR uint8 images (mmcv's LoadImageFromFile)
    data_preprocessor=dict(
        type='ClsDataPreprocessor',
        num_classes=num_classes,
        mean=[127.5, 127.5, 127.5],
        std=[127.5, 127.5, 127.5],
        to_rgb=True),
    backbone=dict(
        type='ResNet_CIFAR',
        depth=18,
        num_stages=4,
        out_indices=(3, ),
        stem_channels=16,
        base_channels=16,
        style='pytorch'),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=num_classes,
        in_channels=128,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
        topk=(1, )))

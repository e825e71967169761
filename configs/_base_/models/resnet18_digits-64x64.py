# The ASM paper's digit classifier (Table 1): ResNet-18, 10 classes, 64x64
# inputs; mmpretrain's own ResNet-18 model base, unmodified but for the head.
_base_ = ['mmpretrain::_base_/models/resnet18.py']
num_classes = 10
model = dict(
    data_preprocessor=dict(
        type='ClsDataPreprocessor',
        num_classes=num_classes,
        mean=[127.5, 127.5, 127.5],
        std=[127.5, 127.5, 127.5],
        to_rgb=True),
    head=dict(num_classes=num_classes, topk=(1, )))

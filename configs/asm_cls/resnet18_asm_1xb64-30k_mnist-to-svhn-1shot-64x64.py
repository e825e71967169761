# One-shot MNIST -> SVHN with ASM (the paper's Table 1: 46.3% accuracy):
# ResNet-18 at 64x64, batch 64 (32 stylized + their 32 sources), 30k
# iterations, search depth n = 5, one unlabelled SVHN train image.
# The paper gives no optimizer and no classification RAIN: SGD and the
# RAIN below are mmasm's choices (see the README's classification section).
#   python tools/export_digit_image.py svhn data/svhn --index 0 \
#       --out data/svhn/one_shot/svhn_train_00000.png
#   python tools/train.py configs/asm_cls/resnet18_asm_1xb64-30k_mnist-to-svhn-1shot-64x64.py
_base_ = [
    '../_base_/models/resnet18_digits-64x64.py',
    '../_base_/datasets/digits_64x64.py',
    '../_base_/schedules/digits_sgd_30k.py',
    '../_base_/default_runtime_cls.py',
    '../_base_/asm/asm_cls.py',
]
train_dataloader = dict(
    batch_size=32, dataset=_base_.mnist_train)  # x2 with the sources
val_dataloader = dict(dataset=_base_.svhn_test)
test_dataloader = val_dataloader
one_shot_image = 'data/svhn/one_shot/svhn_train_00000.png'
# a RAIN pretrained on MNIST content with tools/train.py (e.g.
# configs/rain/rain_digits_cpu.py pointed at MNIST images)
rain_checkpoint = 'checkpoints/rain_digits.pth'
custom_hooks = [
    dict(
        _base_.asm_cls_hook,
        target=one_shot_image,
        rain_checkpoint=rain_checkpoint)
]

# One-shot MNIST -> USPS with ASM (the paper's Table 1: 68.0% accuracy): the
# MNIST -> SVHN recipe evaluated on USPS, one unlabelled USPS train image.
#   python tools/export_digit_image.py usps data/usps --index 0 \
#       --out data/usps/one_shot/usps_train_00000.png
_base_ = ['./resnet18_asm_1xb64-30k_mnist-to-svhn-1shot-64x64.py']
val_dataloader = dict(dataset=dict(_base_.usps_test, _delete_=True))
test_dataloader = val_dataloader
custom_hooks = [
    dict(
        _base_.custom_hooks[0],
        target='data/usps/one_shot/usps_train_00000.png')
]

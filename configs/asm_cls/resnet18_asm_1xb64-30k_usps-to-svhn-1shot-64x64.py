# One-shot USPS -> SVHN with ASM (the paper's Table 1: 40.3% accuracy): the
# MNIST -> SVHN recipe with USPS as the source.
_base_ = ['./resnet18_asm_1xb64-30k_mnist-to-svhn-1shot-64x64.py']
train_dataloader = dict(dataset=dict(_base_.usps_train, _delete_=True))

# Digits demo pair, source-only: the small ResNet-18 trained on scikit-learn's
# handwritten scans, evaluated on the street-number-like target test split.
#   python tools/make_digit_domains.py data/digits
#   python tools/train.py configs/demo_digits/source-only_digits.py
# A batch holds 16 source images, as many as an ASM batch of 8 stylized +
# 8 source images (keep_source): every arm trains on equal batches for the
# same 1500 optimizer steps.
_base_ = [
    '../_base_/models/resnet18-w16_cifar_digits.py',
    '../_base_/datasets/digits_demo_1shot.py',
    '../_base_/schedules/digits_sgd_cos_1500.py',
    '../_base_/default_runtime_cls.py',
]

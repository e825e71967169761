# ASH, zero-shot GTA5 -> Cityscapes, DeepLab-v2 ResNet-101: the paper's
# setting (Tjio et al., "Adversarial Semantic Hallucination for Domain
# Generalized Semantic Segmentation", 2021: 41.3 mIoU over 19 classes).
# No Cityscapes train image is used (the dataset base's `one_shot_image` is
# ignored); styles come from `style_images` (configs/_base_/ash/ash.py).
# Same segmentor, data and schedule as
# configs/asm/deeplabv2_r101-d8_source-only_1xb1-100k_gta5-to-cityscapes-960x480.py.
_base_ = [
    '../_base_/models/deeplabv2_r101-d8.py',
    '../_base_/datasets/gta5_to_cityscapes_1shot.py',
    '../_base_/schedules/asm_sgd_poly_100k.py',
    '../_base_/default_runtime.py',
    '../_base_/ash/ash.py',
]
# ASH batches hold no (stylized, source) pairs: no ASM consistency loss
model = dict(_base_.ash_model,
             segmentor_type='ASMEncoderDecoder',
             data_preprocessor=dict(size=_base_.crop_size),
             consistency_weight=0.0)
optim_wrapper = _base_.ash_optim_wrapper
# the conditioning net and the discriminator decay like the segmentor
# (poly, power 0.9, over the 100k iterations), without its warm-up
ash_poly = [
    dict(type='PolyLR', eta_min=0.0, power=0.9, by_epoch=False, begin=0,
         end=100000)
]
param_scheduler = dict(
    _delete_=True,
    segmentor=_base_.param_scheduler,
    hallucinator=ash_poly,
    discriminator=ash_poly)

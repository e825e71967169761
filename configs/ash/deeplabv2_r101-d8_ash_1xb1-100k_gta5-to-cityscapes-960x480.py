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
model = dict(
    _base_.ash_model,
    segmentor_type='ASMEncoderDecoder',
    data_preprocessor=dict(size=_base_.crop_size),
    consistency_weight=0.0,
    # the authors damp both adversarial weights by 1 - iter / 100k
    damping_iters=100000)
optim_wrapper = _base_.ash_optim_wrapper
# The schedule's list (5k warm-up, poly 0.9 over 100k) steps all three
# optimizers: the authors warm up and decay the conditioning net's and the
# discriminator's learning rates as the segmentor's.

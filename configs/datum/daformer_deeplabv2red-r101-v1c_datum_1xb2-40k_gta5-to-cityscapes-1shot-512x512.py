# DAFormer + DATUM with DeepLab-v2 ResNet-101 (the authors' experiment 2):
# DAFormer's self-training (rare-class sampling T = 0.01, thing-class
# ImageNet feature distance, pseudo-label crop 15/120, AdamW 6e-5 with 10x
# head lr, 40k iterations, batch 2 + 2) of DAFormer's DeepLab-v2 R101 on GTA5
# + the generated images (data/datum/). The paper reports 49.6 mIoU (mean of
# three one-shot images); not trained here.
_base_ = [
    '../_base_/models/deeplabv2red_r101-v1c.py',
    '../_base_/datasets/uda_gta5_to_cityscapes_512x512.py',
    '../_base_/uda/daformer.py',
    '../_base_/schedules/uda_adamw_poly10warm_40k.py',
    '../_base_/default_runtime.py',
    '../_base_/datum/datum_target.py',
]
model = dict(_base_.dacs, type='DACS')
train_dataloader = dict(
    dataset=dict(
        rare_class_sampling=dict(
            class_temp=0.01, min_pixels=3000, min_crop_ratio=0.5),
        target=dict(_base_.uda_datum_target, _delete_=True)))
randomness = dict(seed=0)

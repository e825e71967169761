# One-shot SYNTHIA-RAND-CITYSCAPES -> Cityscapes (ASM, Luo et al., NeurIPS
# 2020, section 4): the GTA5 -> Cityscapes setting with SYNTHIA as the
# source. Convert the labels first:
#   python tools/convert_datasets/synthia.py data/synthia
# Evaluation on Cityscapes val, reported over SYNTHIA's 16 classes (mIoU16)
# and the 13-class protocol of the paper (mIoU13, no wall, fence, pole);
# `mIoU` over all 19 is not meaningful here. To keep the best checkpoint,
# set default_hooks=dict(checkpoint=dict(save_best='mIoU13')).
# Needs mmasm imported.
_base_ = ['./gta5_to_cityscapes_1shot.py']
source_dataset_type = 'SYNTHIADataset'
source_data_root = 'data/synthia/'

# (w, h): SYNTHIA's native size; GTA5's 1280x720 would squash its aspect
source_scale = (1280, 760)
crop_size = (480, 960)  # (h, w): paper 960x480; authors' code too
flip_prob = 0.5  # the authors' ASM script does not mirror: set 0 for theirs

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(
        type='Resize',
        scale=source_scale,
        keep_ratio=False,
        interpolation='bicubic'),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=flip_prob),
    dict(type='PackSegInputs'),
]
train_dataloader = dict(
    dataset=dict(
        type=source_dataset_type,
        data_root=source_data_root,
        data_prefix=dict(img_path='RGB', seg_map_path='GT/LABELS'),
        pipeline=train_pipeline))
# = mmasm.datasets.synthia.SYNTHIA_CLASSES_16 / SYNTHIA_CLASSES_13
synthia_classes_16 = [
    'road', 'sidewalk', 'building', 'wall', 'fence', 'pole', 'traffic light',
    'traffic sign', 'vegetation', 'sky', 'person', 'rider', 'car', 'bus',
    'motorcycle', 'bicycle'
]
synthia_classes_13 = [
    'road', 'sidewalk', 'building', 'traffic light', 'traffic sign',
    'vegetation', 'sky', 'person', 'rider', 'car', 'bus', 'motorcycle',
    'bicycle'
]
val_evaluator = dict(
    _delete_=True,
    type='ClassSubsetIoUMetric',
    iou_metrics=['mIoU'],
    class_subsets=dict(mIoU16=synthia_classes_16, mIoU13=synthia_classes_13))
test_evaluator = val_evaluator

# SYNTHIA-RAND-CITYSCAPES (labelled source) -> Cityscapes for self-training,
# 512x512 crops; SYNTHIA resized to 1280x760 (DAFormer). Labels in
# Cityscapes' 19 train ids (16 present); reported as mIoU16 and mIoU13.
# Convert the labels first: python tools/convert_datasets/synthia.py data/synthia
_base_ = ['./uda_gta5_to_cityscapes_512x512.py']
train_dataloader = dict(
    dataset=dict(
        source=dict(
            _delete_=True,
            type='SYNTHIADataset',
            data_root='data/synthia/',
            data_prefix=dict(img_path='RGB', seg_map_path='GT/LABELS'),
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='LoadAnnotations'),
                dict(type='Resize', scale=(1280, 760), keep_ratio=True),
                dict(
                    type='RandomCrop',
                    crop_size=(512, 512),
                    cat_max_ratio=0.75),
                dict(type='RandomFlip', prob=0.5),
                dict(type='PackSegInputs'),
            ])))
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

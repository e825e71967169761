# SYNTHIA-RAND-CITYSCAPES -> Cityscapes at HRDA's resolution: SYNTHIA
# resized to 2560x1520, random 1024x1024 crops; otherwise as
# ./uda_gta5hr_to_cityscapeshr_1024x1024.py. Reported as mIoU16 / mIoU13
# (the class subsets of ./uda_synthia_to_cityscapes_512x512.py). Convert
# the labels first: python tools/convert_datasets/synthia.py data/synthia
_base_ = ['./uda_gta5hr_to_cityscapeshr_1024x1024.py']
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
                dict(type='Resize', scale=(2560, 1520), keep_ratio=True),
                dict(
                    type='RandomCrop',
                    crop_size=(1024, 1024),
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

# GTA5 (labelled source) -> Cityscapes (unlabelled target) at HRDA's
# resolution (the training data of ../uda/gta5hr_to_cityscapeshr_train.py:
# 1024x1024 crops, pseudo-label margins), evaluated on Cityscapes val at
# 2048x1024.
_base_ = ['../uda/gta5hr_to_cityscapeshr_train.py']
train_dataloader = dict(_base_.uda_hr_train_dataloader)
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2048, 1024), keep_ratio=True),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='CityscapesDataset',
        data_root='data/cityscapes/',
        data_prefix=dict(
            img_path='leftImg8bit/val', seg_map_path='gtFine/val'),
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator

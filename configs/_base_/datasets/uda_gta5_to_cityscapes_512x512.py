# GTA5 (labelled source) -> Cityscapes (unlabelled target) for self-training
# (the UDA training data of ../uda/gta5_to_cityscapes_train.py), evaluated on
# Cityscapes val at 1024x512.
_base_ = ['../uda/gta5_to_cityscapes_train.py']
train_dataloader = dict(_base_.uda_train_dataloader)
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(1024, 512), keep_ratio=True),
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

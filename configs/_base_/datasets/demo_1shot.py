# mmasm's demo domain pair (tools/make_demo_domains.py data/demo): game-like
# source scenes in the GTA5 layout, photo-like target scenes in the
# Cityscapes layout, 256x128, 13 Cityscapes classes. One-shot: ASM sees one
# unlabelled target train image; target val (50 images) measures mIoU.
data_root = 'data/demo/'
source_data_root = data_root + 'source/'
target_data_root = data_root + 'target/'
# relative to target_data_root; the benchmark draws its seeds from
# demo_000000 .. demo_000002
image_size = (128, 256)  # (h, w) of every demo image
one_shot_image = 'leftImg8bit/train/demo/demo_000000_000019_leftImg8bit.png'
# the 13 classes the demo scenes contain (mIoU13 is the headline figure)
demo_classes = [
    'road', 'sidewalk', 'building', 'wall', 'fence', 'pole', 'traffic light',
    'traffic sign', 'vegetation', 'terrain', 'sky', 'person', 'car'
]
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]
train_dataloader = dict(
    batch_size=4,
    num_workers=0,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='GTA5Dataset',
        data_root=source_data_root,
        data_prefix=dict(img_path='images', seg_map_path='labels'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=4,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='CityscapesDataset',
        data_root=target_data_root,
        data_prefix=dict(
            img_path='leftImg8bit/val', seg_map_path='gtFine/val'),
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(
    type='ClassSubsetIoUMetric',
    iou_metrics=['mIoU'],
    class_subsets=dict(mIoU13=demo_classes),
    per_class=True)
test_evaluator = val_evaluator

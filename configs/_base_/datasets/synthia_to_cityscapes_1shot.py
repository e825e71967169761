# One-shot SYNTHIA-RAND-CITYSCAPES -> Cityscapes (ASM, Luo et al., NeurIPS
# 2020, section 4). Source: SYNTHIA with labels (convert them first:
#   python tools/convert_datasets/synthia.py data/synthia).
# Target: one unlabelled Cityscapes train image (`one_shot_image`, read by
# ASMHook); evaluation on Cityscapes val, reported over SYNTHIA's 16 classes
# (mIoU16) and the 13-class protocol of the paper (mIoU13, no wall, fence,
# pole); `mIoU` over all 19 is not meaningful here. To keep the best
# checkpoint, set default_hooks=dict(checkpoint=dict(save_best='mIoU13')).
# Needs mmasm imported.
source_dataset_type = 'SYNTHIADataset'
source_data_root = 'data/synthia/'
target_dataset_type = 'CityscapesDataset'
target_data_root = 'data/cityscapes/'
# the authors' one-shot target: the first Cityscapes train image; relative
# to target_data_root
one_shot_image = 'leftImg8bit/train/aachen/aachen_000000_000019_leftImg8bit.png'  # noqa

# (w, h): SYNTHIA's native size; GTA5's 1280x720 would squash its aspect
source_scale = (1280, 760)
crop_size = (480, 960)  # (h, w): paper 960x480; authors' code too
flip_prob = 0.5  # the authors' ASM script does not mirror: set 0 for theirs
test_scale = (1024, 512)  # (w, h) network input for Cityscapes val

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='Resize', scale=source_scale, keep_ratio=False,
         interpolation='bicubic'),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=flip_prob),
    dict(type='PackSegInputs'),
]
# Labels are loaded after Resize, so they stay at 2048x1024 and the
# segmentor upsamples the logits to full resolution before the metric.
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=test_scale, keep_ratio=True),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]
train_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type=source_dataset_type,
        data_root=source_data_root,
        data_prefix=dict(img_path='RGB', seg_map_path='GT/LABELS'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=target_dataset_type,
        data_root=target_data_root,
        data_prefix=dict(
            img_path='leftImg8bit/val', seg_map_path='gtFine/val'),
        pipeline=test_pipeline))
test_dataloader = val_dataloader
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
    type='ClassSubsetIoUMetric',
    iou_metrics=['mIoU'],
    class_subsets=dict(mIoU16=synthia_classes_16, mIoU13=synthia_classes_13))
test_evaluator = val_evaluator

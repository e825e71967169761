# One-shot GTA5 -> Cityscapes (ASM, Luo et al., NeurIPS 2020, section 4).
# Source: GTA5 with labels (convert them first:
#   python tools/convert_datasets/gta5.py data/gta5).
# Target: one unlabelled Cityscapes train image (`one_shot_image`, read by
# ASMHook); evaluation on Cityscapes val (labels from mmseg's
# tools/dataset_converters/cityscapes.py). Needs mmasm imported.
source_dataset_type = 'GTA5Dataset'
source_data_root = 'data/gta5/'
target_dataset_type = 'CityscapesDataset'
target_data_root = 'data/cityscapes/'
# the authors' one-shot target: the first Cityscapes train image; relative
# to target_data_root
one_shot_image = 'leftImg8bit/train/aachen/aachen_000000_000019_leftImg8bit.png'  # noqa

source_scale = (1280, 720)  # (w, h): every GTA5 image is resized to this
crop_size = (480, 960)  # (h, w): paper 960x480; authors' code 1024x512
flip_prob = 0.5  # the authors' ASM script does not mirror: set 0 for theirs
test_scale = (1024, 512)  # (w, h) network input for Cityscapes val

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
# Labels are loaded after Resize, so they stay at 2048x1024 and the
# segmentor upsamples the logits to full resolution before IoUMetric.
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
        data_prefix=dict(img_path='images', seg_map_path='labels'),
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
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator

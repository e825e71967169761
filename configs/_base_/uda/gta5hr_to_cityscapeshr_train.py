# The training data of HRDA GTA5 -> Cityscapes, under uda_hr_* names only
# (inherit it beside any config's own datasets, then
# train_dataloader = dict(_base_.uda_hr_train_dataloader, _delete_=True)):
# GTA5 resized to 2560x1440, Cityscapes to 2048x1024 (full resolution),
# random 1024x1024 crops (source cat_max_ratio 0.75), flip 0.5; the target's
# pseudo-label margins 30 / 240 / 30 / 30 (top, bottom, left, right) marked
# before the crop. Convert GTA5's labels first (python
# tools/convert_datasets/gta5.py data/gta5); with rare-class sampling,
# compute the class statistics once (python tools/sample_class_stats.py).
uda_hr_crop_size = (1024, 1024)
# the target's pseudo-label validity mask travels in the sample's metainfo
uda_hr_target_meta_keys = ('img_path', 'seg_map_path', 'ori_shape',
                           'img_shape', 'pad_shape', 'scale_factor', 'flip',
                           'flip_direction', 'reduce_zero_label',
                           'valid_pseudo_mask')
uda_hr_source_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='Resize', scale=(2560, 1440), keep_ratio=True),
    dict(type='RandomCrop', crop_size=uda_hr_crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
uda_hr_target_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='mmasm.PseudoLabelMargins', margins=(30, 240, 30, 30)),
    dict(type='Resize', scale=(2048, 1024), keep_ratio=True),
    dict(type='RandomCrop', crop_size=uda_hr_crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs', meta_keys=uda_hr_target_meta_keys),
]
uda_hr_target = dict(
    type='mmseg.CityscapesDataset',
    data_root='data/cityscapes/',
    data_prefix=dict(img_path='leftImg8bit/train'),
    pipeline=uda_hr_target_pipeline)
# The one-shot target set: the authors' single Cityscapes train image.
uda_hr_one_shot_target = dict(
    type='mmasm.ImageFolderDataset',
    data_root='data/cityscapes/leftImg8bit/train/aachen',
    img_suffixes=('aachen_000000_000019_leftImg8bit.png', ),
    pipeline=uda_hr_target_pipeline)
uda_hr_train_dataloader = dict(
    batch_size=2,  # 2 source + 2 target images per process
    num_workers=1,  # the authors' one loader worker
    persistent_workers=True,
    sampler=dict(type='mmasm.SeededInfiniteSampler', shuffle=True),
    dataset=dict(
        type='mmasm.UDADataset',
        source=dict(
            type='mmasm.GTA5Dataset',
            data_root='data/gta5/',
            data_prefix=dict(img_path='images', seg_map_path='labels'),
            pipeline=uda_hr_source_pipeline),
        target=uda_hr_target))

# The training data of self-training GTA5 -> Cityscapes as DACS and DAFormer
# load it (512x512 crops; GTA5 resized to 1280x720, Cityscapes to 1024x512),
# under uda_* names only, so that any config can inherit it beside its own
# dataset settings and pick: train_dataloader = dict(_base_.uda_train_dataloader,
# _delete_=True). Convert GTA5's labels first
# (python tools/convert_datasets/gta5.py data/gta5); with rare-class sampling,
# compute the class statistics once (python tools/sample_class_stats.py CONFIG).
uda_crop_size = (512, 512)
uda_source_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='Resize', scale=(1280, 720), keep_ratio=True),
    dict(type='RandomCrop', crop_size=uda_crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
uda_target_pipeline = [  # no LoadAnnotations: target labels are never read
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(1024, 512), keep_ratio=True),
    dict(type='RandomCrop', crop_size=uda_crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
uda_source = dict(
    type='mmasm.GTA5Dataset',
    data_root='data/gta5/',
    data_prefix=dict(img_path='images', seg_map_path='labels'),
    pipeline=uda_source_pipeline)
uda_target = dict(
    type='mmseg.CityscapesDataset',
    data_root='data/cityscapes/',
    data_prefix=dict(img_path='leftImg8bit/train'),
    pipeline=uda_target_pipeline)
# The one-shot target set: the authors' single Cityscapes train image.
uda_one_shot_target = dict(
    type='mmasm.ImageFolderDataset',
    data_root='data/cityscapes/leftImg8bit/train/aachen',
    img_suffixes=('aachen_000000_000019_leftImg8bit.png', ),
    pipeline=uda_target_pipeline)
uda_train_dataloader = dict(
    batch_size=2,  # 2 source + 2 target images per process
    num_workers=4,
    persistent_workers=True,
    # SampleDraw-seeded items: deterministic per seed, exact on resume
    sampler=dict(type='mmasm.SeededInfiniteSampler', shuffle=True),
    dataset=dict(
        type='mmasm.UDADataset', source=uda_source, target=uda_target))
# rare-class sampling (DAFormer): dataset=dict(rare_class_sampling=dict(
#     class_temp=0.01, min_pixels=3000, min_crop_ratio=0.5))

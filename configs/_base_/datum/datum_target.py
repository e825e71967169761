# DATUM's unlabelled target set for self-training: the generated images
# (tools/datum_generate.py writes <out_dir>/leftImg8bit/train/datum/
# *_leftImg8bit.png), 512x512, not resized, random 512 crop and flip (the
# authors' db_data pipeline). Use in a self-training config:
#   train_dataloader = dict(dataset=dict(target=dict(_base_.uda_datum_target, _delete_=True)))
datum_data_root = 'data/datum/'
uda_datum_target = dict(
    type='mmasm.ImageFolderDataset',
    data_root=datum_data_root + 'leftImg8bit/train/datum',
    img_suffixes=('_leftImg8bit.png', ),
    pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='RandomCrop', crop_size=(512, 512)),
        dict(type='RandomFlip', prob=0.5),
        dict(type='PackSegInputs'),
    ])

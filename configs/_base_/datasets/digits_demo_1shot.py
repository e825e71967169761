# The digits demo pair (tools/make_digit_domains.py data/digits): train on
# the labelled source (scikit-learn's handwritten scans, 32x32), evaluate on
# the labelled target test split (street-number-like digits). Both are
# mmpretrain CustomDataset class folders. `one_shot_image` is the pair's
# seed-0 one-shot target image (meta.json's one_shot_images[0]).
data_root = 'data/digits/'
one_shot_image = data_root + 'target/train/9/00000.png'
image_size = 32
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='PackInputs'),
]
test_pipeline = train_pipeline
train_dataloader = dict(
    batch_size=16,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type='CustomDataset',
        data_root=data_root,
        data_prefix='source/train',
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=250,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type='CustomDataset',
        data_root=data_root,
        data_prefix='target/test',
        pipeline=test_pipeline))
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_dataloader = val_dataloader
test_evaluator = val_evaluator

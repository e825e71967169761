# The ASM paper's digit datasets (Table 1) at the classifier's 64x64, each
# in its own on-disk format: MNIST (mmpretrain's MNIST, idx files in
# data/mnist), USPS (mmasm's USPSDataset, LIBSVM usps.bz2 / usps.t.bz2 in
# data/usps) and SVHN cropped digits (mmasm's SVHNDataset, train_32x32.mat /
# test_32x32.mat in data/svhn). Grey digits become 3-channel (GrayToBGR).
# A full config picks its source and target:
#   train_dataloader = dict(dataset=_base_.mnist_train)
#   val_dataloader = dict(dataset=_base_.svhn_test)
image_size = 64
digit_pipeline = [
    dict(type='mmasm.GrayToBGR'),
    dict(type='Resize', scale=(image_size, image_size)),
    dict(type='PackInputs'),
]
mnist_train = dict(
    type='MNIST',
    data_root='data/mnist',
    download=False,
    pipeline=digit_pipeline)
mnist_test = dict(mnist_train, test_mode=True)
usps_train = dict(
    type='mmasm.USPSDataset',
    data_root='data/usps',
    split='train',
    pipeline=digit_pipeline)
usps_test = dict(usps_train, split='test')
svhn_train = dict(
    type='mmasm.SVHNDataset',
    data_root='data/svhn',
    split='train',
    pipeline=digit_pipeline)
svhn_test = dict(svhn_train, split='test')
train_dataloader = dict(
    batch_size=64,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    collate_fn=dict(type='default_collate'))
val_dataloader = dict(
    batch_size=256,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'))
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_dataloader = val_dataloader
test_evaluator = val_evaluator

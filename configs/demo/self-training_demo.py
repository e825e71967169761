# Demo pair, self-training: DACS (Tranheden et al., WACV 2021) with all 20
# unlabelled target train images as the target set.
#   python tools/train.py configs/demo/self-training_demo.py
# Same segmentor (the small DeepLab-v2, as ASMEncoderDecoder: without ASM's
# paired batches that is a plain EncoderDecoder), same source data, schedule
# and number of optimizer steps (300) as source-only_demo.py.
# Per step: 4 labelled source + 4 unlabelled target images (DACS' batch of
# 2 + 2, doubled to the demo's 4 labelled images per step); the student
# trains on the 4 source images and on 4 ClassMix images, the teacher
# labels the 4 target images.
# The recipe is DACS' paper defaults, fixed before any run (../_base_/uda/
# dacs.py): EMA α = 0.99, confidence threshold τ = 0.968, ClassMix of half
# of each source image's classes, colour jitter (0.2, p 0.8) and Gaussian
# blur (p 0.5) on the mixed images; no feature distance, no MIC. No
# pseudo-label row cropping (DAFormer's 15 top / 120 bottom rows are for
# Cityscapes' ego-car hood; the 256x128 demo scenes have none).
_base_ = ['./source-only_demo.py', '../_base_/uda/dacs.py']
model = dict(
    _base_.dacs,
    type='DACS',
    segmentor_type='ASMEncoderDecoder',  # the demo segmentor's class
    pseudo_weight_ignore_top=0,
    pseudo_weight_ignore_bottom=0,
    vis_interval=100)
uda_target_pipeline = [  # no LoadAnnotations: target labels are never read
    dict(type='LoadImageFromFile'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
# the unlabelled target set: every target train image
uda_target = dict(
    type='ImageFolderDataset',
    data_root=_base_.target_data_root + 'leftImg8bit/train',
    pipeline=uda_target_pipeline)
train_dataloader = dict(
    batch_size=4,  # 4 source + 4 target images per step
    sampler=dict(type='SeededInfiniteSampler', shuffle=True),
    dataset=dict(
        _delete_=True,
        type='UDADataset',
        source=_base_.train_dataloader.dataset,
        target=uda_target))

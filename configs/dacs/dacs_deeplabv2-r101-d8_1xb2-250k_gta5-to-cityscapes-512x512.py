# DACS (Tranheden et al., WACV 2021) GTA5 -> Cityscapes with DeepLab-v2
# ResNet-101, the authors' recipe (vikolss/DACS configUDA.json): α = 0.99,
# τ = 0.968, ClassMix + colour jitter + blur, SGD 2.5e-4 (10x classifier),
# poly 0.9, 250k iterations, batch 2 + 2, 512x512 crops, GTA5 resized to
# exactly 1280x720, no flips. The paper reports 52.1 mIoU (with a COCO-
# pretrained DeepLab-v2, see pretrained_backbone); not trained here.
_base_ = [
    '../_base_/models/deeplabv2_r101-d8.py',
    '../_base_/datasets/uda_gta5_to_cityscapes_512x512.py',
    '../_base_/uda/dacs.py',
    '../_base_/schedules/uda_sgd_poly_250k.py',
    '../_base_/default_runtime.py',
]
# The DeepLab-v2 base is ASM's (an ASMEncoderDecoder with a consistency
# loss): the student is a plain EncoderDecoder with the same network.
model = dict(
    _delete_=True,
    type='DACS',
    data_preprocessor=dict(_base_.data_preprocessor, size=(512, 512)),
    backbone=_base_.model.backbone,
    decode_head=_base_.model.decode_head,
    train_cfg=dict(),
    test_cfg=dict(mode='whole'),
    **_base_.dacs)
train_dataloader = dict(
    dataset=dict(
        source=dict(pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadAnnotations'),
            dict(type='Resize', scale=(1280, 720), keep_ratio=False),
            dict(type='RandomCrop', crop_size=(512, 512)),
            dict(type='PackSegInputs'),
        ]),
        target=dict(pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='Resize', scale=(1024, 512), keep_ratio=True),
            dict(type='RandomCrop', crop_size=(512, 512)),
            dict(type='PackSegInputs'),
        ])))
randomness = dict(seed=1)  # the authors' config

# HRDA's multi-resolution settings (Hoyer et al., ECCV 2022), under names
# mmseg's configs do not use, for any segmentor config:
#   model = dict(**_base_.hrda_segmentor, type='HRDAEncoderDecoder',
#                decode_head=dict(_base_.hrda_head, _delete_=True,
#                                 single_scale_head=<your decode head>))
# (as DACS' student: type='DACS', segmentor_type='HRDAEncoderDecoder').
# Context scale 0.5 (the whole 1024 crop), detail scale 1.0 (a random 512
# crop on the 8-pixel grid = head stride 4 x context downscale 2); fused
# loss 0.9, detail loss 0.1 (lambda_d), context loss 0; inference: the
# context of the whole window + 512 detail windows with stride 256, inside
# 1024 slide windows with stride 512.
hrda_head = dict(
    type='mmasm.HRDAHead',
    attention_classwise=True,
    attention_embed_dim=256,
    hr_loss_weight=0.1,
    lr_loss_weight=0.0,
    output_stride=4)  # of the single-scale head (DeepLab-v2's: 8)
hrda_segmentor = dict(
    scales=[0.5, 1.0],
    hr_crop_size=(512, 512),
    crop_coord_divisible=8,
    feature_scale=0.5,  # the feature distance on the context features
    hr_slide_inference=True,
    hr_slide_overlapping=True,
    blur_hr_crop=False,
    data_preprocessor=dict(size=(1024, 1024)),
    test_cfg=dict(
        mode='slide',
        crop_size=(1024, 1024),
        stride=(512, 512),
        # True: all windows in one batch (the authors' default, faster);
        # False fits validation on a 24 GB card.
        batched_slide=False))

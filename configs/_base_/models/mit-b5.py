# The MiT-B5 encoder of SegFormer (mmseg's MixVisionTransformer) with
# ImageNet weights, as mmseg's segformer configs build it; shared by the
# SegFormer-ASM and DAFormer model bases. None as the checkpoint skips it.
pretrained_backbone = 'https://mmassets.onedl.ai/mmsegmentation/v0.5/pretrain/segformer/mit_b5_20220624-658746d9.pth'  # noqa
mit_b5 = dict(
    type='MixVisionTransformer',
    in_channels=3,
    embed_dims=64,
    num_stages=4,
    num_layers=[3, 6, 40, 3],
    num_heads=[1, 2, 5, 8],
    patch_sizes=[7, 3, 3, 3],
    sr_ratios=[8, 4, 2, 1],
    out_indices=(0, 1, 2, 3),
    mlp_ratio=4,
    qkv_bias=True,
    drop_rate=0.0,
    attn_drop_rate=0.0,
    drop_path_rate=0.1,
    init_cfg=dict(type='Pretrained', checkpoint=pretrained_backbone))
# ImageNet mean / std on RGB (mmseg's segformer preprocessing)
data_preprocessor = dict(
    type='SegDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255)

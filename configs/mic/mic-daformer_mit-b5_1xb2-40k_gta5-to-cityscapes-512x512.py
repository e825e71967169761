# MIC (Hoyer et al., CVPR 2023) on DAFormer, GTA5 -> Cityscapes: DAFormer's
# self-training plus masked image consistency on the target (32x32 patches,
# ratio 0.7, weight 1). The MIC paper's headline number (75.9 mIoU) is
# MIC(HRDA): ./mic-hrda_mit-b5_1xb2-40k_gta5-to-cityscapes-1024x1024.py;
# this config was not trained here.
_base_ = [
    '../daformer/daformer_mit-b5_1xb2-40k_gta5-to-cityscapes-512x512.py',
    '../_base_/uda/mic.py'
]
# MIC's own DAFormer runs use 32-pixel blocks at this half resolution
# (its experiments.py: "half the patch size when training with half
# resolution"); 64 is the value of its full-resolution HRDA runs.
model = dict(mic=dict(_base_.mic, block_size=32))

# DAFormer (Hoyer et al., CVPR 2022) GTA5 -> Cityscapes: MiT-B5 + DAFormer
# head, self-training with rare-class sampling, thing-class ImageNet feature
# distance and pseudo-label crop. The paper reports 68.3 mIoU (mean of three
# seeds); this config was not trained here. Compute the class statistics
# first: python tools/sample_class_stats.py THIS_CONFIG --nproc 8
_base_ = [
    '../_base_/models/daformer_mit-b5.py',
    '../_base_/datasets/uda_gta5_to_cityscapes_512x512.py',
    '../_base_/uda/daformer.py',
    '../_base_/schedules/uda_adamw_poly10warm_40k.py',
    '../_base_/default_runtime.py',
]
model = dict(_base_.dacs, type='DACS')
train_dataloader = dict(
    dataset=dict(
        rare_class_sampling=dict(
            class_temp=0.01, min_pixels=3000, min_crop_ratio=0.5)))
# mmseg 1.x names MiT's per-stage LayerNorm `layers.i.2`, without the
# 'norm' the authors' optimizer key matches (their `norm1`..`norm4`): no
# decay on every norm layer no custom key matched, as theirs.
optim_wrapper = dict(paramwise_cfg=dict(norm_decay_mult=0.0))
randomness = dict(seed=0)

# DAFormer's self-training (Hoyer et al., CVPR 2022): DACS with α = 0.999,
# pseudo-label crop (15 top / 120 bottom rows of the 512 crop) and the
# ImageNet feature distance on thing classes (λ = 0.005, r = 0.75). Rare-class
# sampling is a dataset setting: UDADataset's rare_class_sampling (T = 0.01,
# 3000 pixels, min crop ratio 0.5), set in the DAFormer configs.
_base_ = ['./dacs.py']
dacs = dict(
    alpha=0.999,
    mix_classes='authors',  # DAFormer's code: classes drawn from the batch
    pseudo_weight_ignore_top=15,
    pseudo_weight_ignore_bottom=120,
    imnet_feature_dist=dict(
        loss_weight=0.005,  # λ
        classes=[6, 7, 11, 12, 13, 14, 15, 16, 17, 18],  # Cityscapes things
        scale_min_ratio=0.75))  # r

# HRDA's self-training (lhoyer/HRDA's dacs.py = DAFormer's): DACS with
# alpha 0.999 and the thing-class ImageNet feature distance (on the context
# features of an HRDAEncoderDecoder student); no fixed row crop of the
# pseudo-labels: the target pipeline's PseudoLabelMargins (30 / 240 / 30 /
# 30 pixels of the 1024x2048 image) marks them before the random crop
# (../datasets/uda_gta5hr_to_cityscapeshr_1024x1024.py). Rare-class sampling
# uses min_crop_ratio 2.0 (4x the pixels of DAFormer's 512 crops).
#   model = dict(_base_.dacs, type='DACS', segmentor_type='HRDAEncoderDecoder')
_base_ = ['./daformer.py']
dacs = dict(pseudo_weight_ignore_top=0, pseudo_weight_ignore_bottom=0)
hrda_rare_class_sampling = dict(
    class_temp=0.01, min_pixels=3000, min_crop_ratio=2.0)

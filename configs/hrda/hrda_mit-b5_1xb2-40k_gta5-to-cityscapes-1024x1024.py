# HRDA (Hoyer et al., ECCV 2022) GTA5 -> Cityscapes: MiT-B5 + DAFormer head
# at a 0.5 context scale and a 1.0 detail scale (512 detail crops of 1024
# crops), scale attention, DAFormer's self-training (alpha 0.999, thing-class
# feature distance on the context features, rare-class sampling T = 0.01
# with min crop ratio 2.0, pseudo-label margins 30/240/30/30), AdamW 6e-5
# (head x10), 1.5k warm-up + poly, 40k iterations, batch 2 + 2, one GPU.
# The paper reports 73.8 mIoU; this config was not trained here. Compute
# the class statistics first: python tools/sample_class_stats.py THIS_CONFIG
_base_ = [
    '../_base_/models/hrda_daformer_mit-b5.py',
    '../_base_/datasets/uda_gta5hr_to_cityscapeshr_1024x1024.py',
    '../_base_/uda/hrda.py',
    '../_base_/schedules/uda_adamw_poly10warm_40k.py',
    '../_base_/default_runtime.py',
]
model = dict(_base_.dacs, type='DACS', segmentor_type='HRDAEncoderDecoder')
train_dataloader = dict(
    dataset=dict(rare_class_sampling=_base_.hrda_rare_class_sampling))
randomness = dict(seed=1)  # the authors' seed

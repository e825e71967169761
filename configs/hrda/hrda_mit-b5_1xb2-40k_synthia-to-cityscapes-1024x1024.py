# HRDA (Hoyer et al., ECCV 2022) SYNTHIA -> Cityscapes: the GTA5 recipe
# (./hrda_mit-b5_1xb2-40k_gta5-to-cityscapes-1024x1024.py) with SYNTHIA
# resized to 2560x1520. The paper reports 65.8 mIoU over 16 classes
# (mIoU16 here); this config was not trained here.
_base_ = [
    '../_base_/models/hrda_daformer_mit-b5.py',
    '../_base_/datasets/uda_synthiahr_to_cityscapeshr_1024x1024.py',
    '../_base_/uda/hrda.py',
    '../_base_/schedules/uda_adamw_poly10warm_40k.py',
    '../_base_/default_runtime.py',
]
model = dict(_base_.dacs, type='DACS', segmentor_type='HRDAEncoderDecoder')
train_dataloader = dict(
    dataset=dict(rare_class_sampling=_base_.hrda_rare_class_sampling))
default_hooks = dict(checkpoint=dict(save_best='mIoU16'))
randomness = dict(seed=1)

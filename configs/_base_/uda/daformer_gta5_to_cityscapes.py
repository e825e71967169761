# Everything an unmodified mmseg config needs for DAFormer-style self-training
# GTA5 -> Cityscapes, under names mmseg's configs do not use:
#   _base_ = ['mmseg::<your config>.py', 'mmasm::_base_/uda/daformer_gta5_to_cityscapes.py']
#   model = dict(_base_.dacs, type='mmasm.DACS', data_preprocessor=dict(size=(512, 512)))
#   train_dataloader = dict(_base_.uda_train_dataloader, _delete_=True)
_base_ = ['./daformer.py', './gta5_to_cityscapes_train.py']
uda_train_dataloader = dict(
    dataset=dict(
        rare_class_sampling=dict(
            class_temp=0.01, min_pixels=3000, min_crop_ratio=0.5)))

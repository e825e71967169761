# Everything an unmodified mmseg config needs for HRDA self-training GTA5 ->
# Cityscapes, under names mmseg's configs do not use:
#   _base_ = ['mmseg::<your config>.py',
#             'mmasm::_base_/uda/hrda_gta5_to_cityscapes.py']
#   model = dict(_base_.dacs, **_base_.hrda_segmentor, type='mmasm.DACS',
#                segmentor_type='mmasm.HRDAEncoderDecoder',
#                decode_head=dict(_base_.hrda_head, _delete_=True,
#                                 single_scale_head=_base_.model.decode_head))
#   train_dataloader = dict(_base_.uda_hr_train_dataloader, _delete_=True)
_base_ = [
    './hrda.py', './hrda_segmentor.py', './gta5hr_to_cityscapeshr_train.py'
]
uda_hr_train_dataloader = dict(
    dataset=dict(rare_class_sampling=_base_.hrda_rare_class_sampling))

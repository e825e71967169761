# "Add HRDA to your config": mmseg's own, unmodified SegFormer config becomes
# an HRDA student (its head at both scales, the scale attention a copy of
# it) with HRDA's self-training, GTA5 -> Cityscapes, 1024 crops.
# yapf: disable (kept as compact as a user would write it)
_base_ = ['mmseg::segformer/segformer_mit-b0_8xb1-160k_cityscapes-1024x1024.py',
          'mmasm::_base_/uda/hrda_gta5_to_cityscapes.py']
model = dict(_base_.dacs, **_base_.hrda_segmentor, type='mmasm.DACS',
             segmentor_type='mmasm.HRDAEncoderDecoder',
             decode_head=dict(_base_.hrda_head, _delete_=True,
                              single_scale_head=_base_.model.decode_head))
train_dataloader = dict(_base_.uda_hr_train_dataloader, _delete_=True)

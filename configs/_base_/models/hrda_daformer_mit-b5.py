# HRDA's network (Hoyer et al., ECCV 2022): DAFormer's MiT-B5 + DAFormer head
# (./daformer_mit-b5.py) run at a context and a detail scale and fused by a
# class-wise scale attention (a DAFormer head with a 1x1 conv fusion, 256
# channels); settings in ../uda/hrda_segmentor.py. Needs mmasm.
_base_ = ['./daformer_mit-b5.py', '../uda/hrda_segmentor.py']
model = dict(
    type='HRDAEncoderDecoder',
    decode_head=dict(
        _base_.hrda_head,
        _delete_=True,
        single_scale_head=_base_.model.decode_head),
    **_base_.hrda_segmentor)

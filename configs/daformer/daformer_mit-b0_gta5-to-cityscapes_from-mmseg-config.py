# "Add self-training to your config": mmseg's own, unmodified SegFormer config
# becomes a DAFormer-style student (GTA5 -> Cityscapes, 512 crops). Train with
# mmasm's tools/train.py (single process or tools/dist_train.sh).
# yapf: disable (kept as compact as a user would write it)
_base_ = ['mmseg::segformer/segformer_mit-b0_8xb1-160k_cityscapes-1024x1024.py',
          'mmasm::_base_/uda/daformer_gta5_to_cityscapes.py']
model = dict(_base_.dacs, type='mmasm.DACS', data_preprocessor=dict(size=(512, 512)))
train_dataloader = dict(_base_.uda_train_dataloader, _delete_=True)

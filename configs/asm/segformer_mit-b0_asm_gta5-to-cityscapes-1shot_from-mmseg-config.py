# "Add ASM to your config": mmseg's own, unmodified SegFormer config plus
# one-shot ASM, with GTA5 as the labelled source. Train with mmasm's
# tools/train.py (it teaches mmengine where `mmseg::` and `mmasm::` live).
# yapf: disable (kept as compact as a user would write it)
_base_ = ['mmseg::segformer/segformer_mit-b0_8xb1-160k_cityscapes-1024x1024.py',
          'mmasm::_base_/asm/asm_one_shot.py']
model = dict(type='mmasm.ASMEncoderDecoder')  # scoped: the model dict is mmseg's
train_dataloader = dict(dataset=dict(
    type='mmasm.GTA5Dataset', data_root='data/gta5/',
    data_prefix=dict(img_path='images', seg_map_path='labels')))

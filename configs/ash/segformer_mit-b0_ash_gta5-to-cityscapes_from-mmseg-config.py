# "Add ASH to your config": mmseg's own, unmodified SegFormer config plus
# zero-shot ASH, with GTA5 as the labelled source and a style folder (no
# target image). Train with mmasm's tools/train.py, in one process or with
# tools/dist_train.sh (--amp, clip_grad and the schedulers reach all three
# networks).
# yapf: disable (kept as compact as a user would write it)
_base_ = ['mmseg::segformer/segformer_mit-b0_8xb1-160k_cityscapes-1024x1024.py',
          'mmasm::_base_/ash/ash.py']
# the type switch: mmseg's model keys build the segmentor
model = dict(_base_.ash_model, style='data/wikiart/')
# mmseg's optim_wrapper (AdamW, paramwise_cfg) trains the segmentor; this
# adds the hallucinator's and the discriminator's wrappers
optim_wrapper = _base_.ash_optim_wrapper
train_dataloader = dict(dataset=dict(
    type='mmasm.GTA5Dataset', data_root='data/gta5/',
    data_prefix=dict(img_path='images', seg_map_path='labels')))

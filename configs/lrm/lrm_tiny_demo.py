# A CPU-sized LRM run on the demo domain pair (tools/make_demo_domains.py):
# source = the GTA5-layout demo images, target = ONE Cityscapes-layout demo
# image, 256x128 each; random frozen VGG unless
# model.perceptual_loss.vgg.checkpoint is set.
#   python tools/make_demo_domains.py data/demo
#   python tools/train.py configs/lrm/lrm_tiny_demo.py
# writes work_dirs/lrm_tiny_demo/lrm_translator.pth. Translate the source
# images offline (or on the fly: lrm_demo_segmentor.py) with
# T=data/demo/target/leftImg8bit/train/demo/demo_000000_000019_leftImg8bit.png
#   python tools/translate.py work_dirs/lrm_tiny_demo/lrm_translator.pth $T \
#       data/demo/source data/demo/source_lrm
_base_ = ['./lrm_1xb1-3456_potsdam-to-vaihingen-1shot-512x512.py']
target_image = ('data/demo/target/leftImg8bit/train/demo/'
                'demo_000000_000019_leftImg8bit.png')
max_iters = 150
load_image = [dict(type='LoadImageFromFile', color_type='color')]
train_dataloader = dict(
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        source=dict(data_root='data/demo/source/images', pipeline=load_image),
        target=target_image,
        target_pipeline=load_image))
train_cfg = dict(max_iters=max_iters)
# Not the authors' constant 4e-5 (see the recipe), under which 150
# iterations would barely move the translator: the one-cycle schedule
# their script builds, peak 1e-3, stepped.
optimizer = _base_.paper_optimizer
optim_wrapper = dict(
    translator=dict(optimizer=optimizer),
    discriminator=dict(optimizer=optimizer))
param_scheduler = [
    dict(
        type='OneCycleLR', eta_max=1e-3, total_steps=max_iters, by_epoch=False)
]
default_hooks = dict(
    logger=dict(interval=10), checkpoint=dict(interval=50, max_keep_ckpts=1))

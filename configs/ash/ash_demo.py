# Demo pair, zero-shot ASH: the source-only demo plus Adversarial Semantic
# Hallucination, with styles from the demo's style folder and the demo's
# RAIN (configs/rain/rain_demo_cpu.py, pretrained by tools/quickstart.py).
# No target image is used. Same segmentor, data and number of segmentor
# steps as configs/demo/source-only_demo.py; like asm_demo.py, a step sees
# half the source-only batch of source images (segmentation loss) plus their
# stylized versions (adversarial loss).
#   python tools/train.py configs/ash/ash_demo.py
_base_ = ['../demo/source-only_demo.py', '../_base_/ash/ash.py']
rain_checkpoint = 'work_dirs/quickstart/rain/rain_demo.pth'
style_images = _base_.data_root + 'style/'
train_dataloader = dict(batch_size=_base_.train_dataloader.batch_size // 2)
model = dict(
    _base_.ash_model,
    segmentor_type='ASMEncoderDecoder',
    rain_checkpoint=rain_checkpoint,
    style=style_images,
    # RAIN at half the images' size, 4x cheaper (as asm_demo.py)
    hallucinator=dict(_base_.ash_model.hallucinator, render_scale=0.5),
    vis_interval=50)
optim_wrapper = _base_.ash_optim_wrapper
ash_poly = [
    dict(type='PolyLR', eta_min=0.0, power=0.9, by_epoch=False, begin=0,
         end=_base_.max_steps)
]
param_scheduler = dict(
    _delete_=True,
    segmentor=_base_.param_scheduler,
    hallucinator=ash_poly,
    discriminator=ash_poly)

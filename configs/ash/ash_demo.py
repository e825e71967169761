# Demo pair, zero-shot ASH: the source-only demo plus Adversarial Semantic
# Hallucination, with styles from the demo's style folder and the demo's
# RAIN (configs/rain/rain_demo-relu2_1_cpu.py, pretrained by tools/quickstart.py).
# No target image is used. Same segmentor, data, batch and number of
# segmentor steps as configs/demo/source-only_demo.py: a step sees the
# source-only batch of labelled source images (segmentation loss, as every
# demo arm) plus one stylized copy of each (adversarial loss only).
#   python tools/train.py configs/ash/ash_demo.py
_base_ = ['../demo/source-only_demo.py', '../_base_/ash/ash.py']
rain_checkpoint = 'work_dirs/quickstart/rain/rain_demo.pth'
style_images = _base_.data_root + 'style/'
model = dict(
    _base_.ash_model,
    segmentor_type='ASMEncoderDecoder',
    rain_checkpoint=rain_checkpoint,
    rain=dict(_base_.ash_model.rain,
              encoder_tap='relu2_1'),  # the demo RAIN's tap
    style=style_images,
    # RAIN at half the images' size, 4x cheaper (as asm_demo.py); not the
    # paper's
    hallucinator=dict(_base_.ash_model.hallucinator, render_scale=0.5),
    # as the authors (over their 100k iterations): both adversarial weights
    # decay linearly to 0 at the last step
    damping_iters=_base_.max_steps,
    vis_interval=50)
optim_wrapper = _base_.ash_optim_wrapper
# the schedule's list (warm-up, poly) steps all three optimizers, as the
# authors schedule all three alike

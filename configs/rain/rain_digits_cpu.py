# RAIN for the digits (configs/asm_cls/; the digits demo arms use the relu2_1
# variant, rain_digits-relu2_1_cpu.py, which keeps the digit): pretrained on
# CPU with the demo RAIN's recipe (configs/rain/rain_demo_cpu.py: random
# centred VGG encoder, decoder warm-up, pixel term) on 32x32 images at their
# own size: content = the source digits, style = the demo's texture images
# (no target image; the paper pretrains on source + WikiArt paintings).
# 32x32 inputs keep the paper's relu4_1 tap (4x4x512 features): upsampling
# to 64x64 would make every ASM search step 3.2x dearer (0.91 s vs 0.28 s
# for a batch of 16, render + backward, measured on this CPU).
#   python tools/make_digit_domains.py data/digits
#   OMP_NUM_THREADS=1 python tools/train.py configs/rain/rain_digits_cpu.py \
#       --work-dir work_dirs/rain_digits
_base_ = ['./rain_demo_cpu.py']
warmup_iters = 600
model = dict(decoder_warmup_iters=warmup_iters)
digits_pipeline = [dict(type='LoadImageFromFile', color_type='color')]
train_dataloader = dict(
    batch_size=8,
    dataset=dict(
        content=dict(
            data_root='data/digits/source/train', pipeline=digits_pipeline),
        style=dict(data_root='data/digits/style', pipeline=digits_pipeline)))
param_scheduler = [
    dict(
        type='MultiStepLR',
        milestones=[warmup_iters],
        gamma=1 / 3,
        by_epoch=False)
]
train_cfg = dict(max_iters=1800)
default_hooks = dict(
    logger=dict(interval=100), checkpoint=dict(interval=600, max_keep_ckpts=1))
custom_hooks = [
    dict(
        type='RAINVisualizationHook', interval=600, num_images=2,
        num_random=2),
    dict(type='WeightsExportHook', filename='rain_digits.pth'),
]

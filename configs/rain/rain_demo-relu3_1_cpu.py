# The demo's RAIN with a shallower encoder tap, relu3_1 (RAIN's
# `encoder_tap`, not in the paper): a 64x64 crop keeps a 16x16x256 feature
# map (8x8x512 at the paper's relu4_1, configs/rain/rain_demo_cpu.py); the
# decoder mirrors the three conv blocks, the style VAE reads the 512-d
# statistics. Same data and recipe as rain_demo_cpu.py otherwise (warm-up,
# pixel term, 1450 iterations, batch 2). A candidate, not the demo's default
# (see the label-consistency scores in docs/en/benchmarks/demo.md).
#   OMP_NUM_THREADS=1 python tools/train.py configs/rain/rain_demo-relu3_1_cpu.py \
#       --work-dir work_dirs/rain_demo-relu3_1
_base_ = ['./rain_demo_cpu.py']
encoder_tap = 'relu3_1'
model = dict(rain=dict(encoder_tap=encoder_tap))
custom_hooks = [
    dict(
        type='RAINVisualizationHook', interval=500, num_images=2,
        num_random=2),
    dict(type='WeightsExportHook', filename=f'rain_demo-{encoder_tap}.pth'),
]

# The demo's RAIN (pretrained by tools/quickstart.py): encoder tap relu2_1
# (RAIN's `encoder_tap`, not in the paper), a 32x32x128 feature map of a
# 64x64 crop (8x8x512 at the paper's relu4_1, configs/rain/rain_demo_cpu.py),
# otherwise as rain_demo-relu3_1_cpu.py (random VGG encoder, warm-up, pixel
# term, 1450 iterations, batch 2). Chosen over relu4_1 and relu3_1 by the
# label-consistency rule (docs/en/benchmarks/demo.md): its stylizations keep
# the scene, relu4_1's erase it.
#   OMP_NUM_THREADS=1 python tools/train.py configs/rain/rain_demo-relu2_1_cpu.py \
#       --work-dir work_dirs/quickstart/rain
# writes work_dirs/quickstart/rain/rain_demo.pth, where the demo configs
# expect it. For real VGG-19 weights, the paper's relu4_1 configs stay the
# default (configs/rain/rain_vgg19_*.py).
_base_ = ['./rain_demo-relu3_1_cpu.py']
encoder_tap = 'relu2_1'
model = dict(rain=dict(encoder_tap=encoder_tap))
custom_hooks = [
    dict(
        type='RAINVisualizationHook', interval=500, num_images=2,
        num_random=2),
    dict(type='WeightsExportHook', filename='rain_demo.pth'),
]

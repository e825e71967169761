# The demo's RAIN with the encoder tap relu2_1 (32x32x128 features of a 64x64
# crop), otherwise as rain_demo-relu3_1_cpu.py: a candidate of issue 13 §2.
#   OMP_NUM_THREADS=1 python tools/train.py configs/rain/rain_demo-relu2_1_cpu.py \
#       --work-dir work_dirs/rain_demo-relu2_1
_base_ = ['./rain_demo-relu3_1_cpu.py']
encoder_tap = 'relu2_1'
model = dict(rain=dict(encoder_tap=encoder_tap))
custom_hooks = [
    dict(type='RAINVisualizationHook', interval=500, num_images=2, num_random=2),
    dict(type='RAINExportHook', filename=f'rain_demo-{encoder_tap}.pth'),
]

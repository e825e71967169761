# RAIN for the digits demo with the encoder tap relu3_1 (8x8x256 features of
# a 32x32 digit), otherwise as rain_digits-relu2_1_cpu.py.
#   OMP_NUM_THREADS=1 python tools/train.py configs/rain/rain_digits-relu3_1_cpu.py \
#       --work-dir work_dirs/rain_digits-relu3_1
_base_ = ['./rain_digits-relu2_1_cpu.py']
encoder_tap = 'relu3_1'
model = dict(rain=dict(encoder_tap=encoder_tap))
custom_hooks = [
    dict(type='RAINVisualizationHook', interval=600, num_images=2, num_random=2),
    dict(type='RAINExportHook', filename=f'rain_digits-{encoder_tap}.pth'),
]

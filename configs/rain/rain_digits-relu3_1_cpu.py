# RAIN for the digits demo with the encoder tap relu3_1 (8x8x256 features of
# a 32x32 digit), otherwise as rain_digits-relu2_1_cpu.py.
#   OMP_NUM_THREADS=1 python tools/train.py configs/rain/rain_digits-relu3_1_cpu.py \
#       --work-dir work_dirs/rain_digits-relu3_1
_base_ = ['./rain_digits-relu2_1_cpu.py']
encoder_tap = 'relu3_1'
model = dict(rain=dict(encoder_tap=encoder_tap))
# the base's hooks, the RAIN exported under this tap's name
custom_hooks = [
    _base_.custom_hooks[0],
    dict(_base_.custom_hooks[1], filename=f'rain_digits-{encoder_tap}.pth')
]

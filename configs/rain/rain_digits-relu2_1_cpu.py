# RAIN for the digits demo with a shallower encoder tap, relu2_1 (RAIN's
# `encoder_tap`, not in the paper): a 32x32 digit keeps a 16x16x128 feature
# map (4x4x512 at the paper's relu4_1, configs/rain/rain_digits_cpu.py); the
# decoder mirrors the two conv blocks, the style VAE reads the 256-d
# statistics. Same data and recipe as rain_digits_cpu.py otherwise.
#   python tools/make_digit_domains.py data/digits
#   OMP_NUM_THREADS=1 python tools/train.py configs/rain/rain_digits-relu2_1_cpu.py \
#       --work-dir work_dirs/rain_digits-relu2_1
_base_ = ['./rain_digits_cpu.py']
encoder_tap = 'relu2_1'
model = dict(rain=dict(encoder_tap=encoder_tap))
# the base's hooks, the RAIN exported under this tap's name
custom_hooks = [
    _base_.custom_hooks[0],
    dict(_base_.custom_hooks[1], filename=f'rain_digits-{encoder_tap}.pth')
]

# Digits demo pair, one-shot ASM (Alg. 1, n = 5 as the paper for
# classification) through mmpretrain's ImageClassifier, with the digits
# RAIN with the encoder tap relu2_1 (configs/rain/rain_digits-relu2_1_cpu.py,
# chosen by the digit-preservation rule of the README). Same classifier,
# data and number of optimizer steps as source-only_digits.py. The step
# rule is the segmentation demo's (configs/_base_/asm/asm_demo_search.py),
# not tuned here.
_base_ = ['./source-only_digits.py', '../_base_/asm/asm_cls.py']
train_dataloader = dict(batch_size=8)  # x2 with the source copies
train_cfg = dict(
    max_iters=_base_.max_steps // _base_.search_depth,
    val_interval=_base_.max_steps // _base_.search_depth)
# mmengine steps schedulers once per iteration: stretch them over the same
# optimizer steps as source-only's
param_scheduler = [
    dict(
        scheduler,
        T_max=scheduler['T_max'] // _base_.search_depth,
        end=scheduler['end'] // _base_.search_depth)
    for scheduler in _base_.param_scheduler
]
custom_hooks = [
    dict(
        _base_.asm_cls_hook,
        target=_base_.one_shot_image,
        step_rule='l2',
        step_size=8.0,
        vis_interval=20,
        rain=dict(_base_.asm_cls_hook.rain, encoder_tap='relu2_1'),
        rain_checkpoint='work_dirs/rain_digits-relu2_1/rain_digits-relu2_1.pth'
    )
]

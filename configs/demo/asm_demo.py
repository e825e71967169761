# Demo pair, one-shot ASM: RAIN styles searched adversarially around the
# one-shot target image's anchor (Alg. 1), with the demo's RAIN
# (configs/rain/rain_demo_cpu.py, pretrained by tools/quickstart.py).
# Same segmentor, data and number of optimizer steps as source-only_demo.py.
_base_ = ['./source-only_demo.py', '../_base_/asm/asm_hook.py']
search_depth = 2
rain_checkpoint = 'work_dirs/quickstart/rain/rain_demo.pth'
train_dataloader = dict(batch_size=2)  # x2 with the source copies
train_cfg = dict(max_iters=_base_.max_steps // search_depth)
# mmengine steps schedulers once per iteration: stretch them over the same
# optimizer steps as source-only's (warm-up 30 steps, poly to 0 at 300)
param_scheduler = [
    dict(scheduler, end=scheduler['end'] // search_depth)
    for scheduler in _base_.param_scheduler
]
custom_hooks = [
    dict(_base_.asm_hook,
         rain_checkpoint=rain_checkpoint,
         target=_base_.target_data_root + _base_.one_shot_image,
         search_depth=search_depth,
         # Here the raw gradient moves eps by ~0.5 while eps ~ N(psi, xi)
         # lies ~17 from psi (asm_step_norm vs asm_anchor_distance): take
         # steps of fixed length in the gradient's direction instead.
         step_rule='l2',
         step_size=8.0,
         # RAIN at 128x64, 4x cheaper than at the images' 256x128, where it
         # would cost more than the small segmentor's own step
         render_scale=0.5,
         vis_interval=50)
]

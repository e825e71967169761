# Demo pair, one-shot ASM: RAIN styles searched adversarially around the
# one-shot target image's anchor (Alg. 1), with the demo's RAIN
# (configs/rain/rain_demo-relu2_1_cpu.py, pretrained by tools/quickstart.py).
# Same segmentor, data and number of optimizer steps as source-only_demo.py.
_base_ = ['./source-only_demo.py', '../_base_/asm/asm_demo_search.py']
train_dataloader = dict(batch_size=2)  # x2 with the source copies
train_cfg = dict(max_iters=_base_.max_steps // _base_.search_depth)
# mmengine steps schedulers once per iteration: stretch them over the same
# optimizer steps as source-only's (warm-up 30 steps, poly to 0 at 300)
param_scheduler = [
    dict(scheduler, end=scheduler['end'] // _base_.search_depth)
    for scheduler in _base_.param_scheduler
]
custom_hooks = [
    dict(
        _base_.demo_asm_hook,
        target=_base_.target_data_root + _base_.one_shot_image)
]

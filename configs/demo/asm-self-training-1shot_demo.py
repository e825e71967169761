# Demo pair, ASM + one-shot self-training: ASM stylizes the labelled source
# images around the one-shot target image's anchor (as ./asm_demo.py:
# search depth 2, l2 steps of 1, RAIN at half resolution) and DACS
# self-trains on that one-shot image (as ./self-training-1shot_demo.py: the
# same recipe, no FD / MIC, no pseudo-label row cropping).
# Per step, as asm_demo.py: 2 source images plus their 2 stylizations (4
# labelled images, ASM's consistency loss on the pairs), and 2 draws of the
# one-shot image; DACS mixes each of the 4 labelled images with a target
# image (cyclically: 2 ClassMix images per target draw) and the teacher
# labels the 2 target draws. Each of the search depth's 2 train steps is a
# full DACS step (one optimizer step, one teacher update), so 150 iterations
# make the same 300 optimizer steps as every other arm.
_base_ = ['./self-training-1shot_demo.py', '../_base_/asm/asm_demo_search.py']
train_dataloader = dict(batch_size=2)  # x2 with the stylized copies
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

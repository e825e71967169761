# mmseg's configs/_base_/default_runtime.py in mmasm's registry scope: types
# are looked up in mmasm's registry nodes, then mmseg's and mmengine's, which
# import their modules on first use (no custom_imports needed).
default_scope = 'mmasm'
env_cfg = dict(
    cudnn_benchmark=True,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),
)
vis_backends = [dict(type='LocalVisBackend')]
# No fixed `name` (unlike mmseg's): each Runner gets its own visualizer, so
# several runs in one process (tests, the quickstart) keep their own logs.
visualizer = dict(type='SegLocalVisualizer', vis_backends=vis_backends)
log_processor = dict(by_epoch=False)
log_level = 'INFO'
load_from = None
resume = False

tta_model = dict(type='SegTTAModel')

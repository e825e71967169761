# mmseg's configs/_base_/default_runtime.py, plus mmasm's custom_imports so
# that mmseg's own tools (and mmengine) register mmasm's modules too.
default_scope = 'mmseg'
custom_imports = dict(imports=['mmasm'], allow_failed_imports=False)
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

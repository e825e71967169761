# A tiny RAIN pretraining run for CPU (smoke test and demo): 64x64 crops,
# batch 2, 300 iterations, random encoder unless model.rain_checkpoint is set.
#   python tools/train.py configs/rain/rain_tiny_cpu.py --cfg-options \
#       train_dataloader.dataset.content.data_root=data/rain_tiny/content \
#       train_dataloader.dataset.style.data_root=data/rain_tiny/style
_base_ = [
    '../_base_/models/rain_pretrainer.py',
    '../_base_/datasets/rain_content_style.py',
    '../_base_/schedules/rain_160k.py',
    '../_base_/default_runtime_rain.py',
]
tiny_pipeline = [
    dict(type='LoadImageFromFile', color_type='color'),
    dict(type='Resize', scale=(128, 64), keep_ratio=False),
    dict(type='RandomCrop', crop_size=(64, 64)),
]
train_dataloader = dict(
    batch_size=2,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        content=dict(
            data_root='data/rain_tiny/content', pipeline=tiny_pipeline),
        style=dict(data_root='data/rain_tiny/style', pipeline=tiny_pipeline)))
train_cfg = dict(max_iters=300)
default_hooks = dict(
    logger=dict(interval=10), checkpoint=dict(interval=100, max_keep_ckpts=2))
custom_hooks = [
    dict(
        type='RAINVisualizationHook', interval=100, num_images=2,
        num_random=2),
    dict(type='WeightsExportHook', filename='rain_final.pth'),
]

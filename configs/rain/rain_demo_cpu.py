# The demo's RAIN recipe at the paper's encoder tap relu4_1 (the base of the
# demo's RAIN, rain_demo-relu2_1_cpu.py, which tools/quickstart.py
# pretrains; this relu4_1 file was the demo's RAIN before it): on the
# demo domain pair (content = source images, style = the style folder of
# tools/make_demo_domains.py), 64x64 crops of the 256x128 images at their own
# scale. No VGG weights can be downloaded, so the encoder is random (centred
# He filters, see VGGEncoder.init_weights); two additions to the paper's
# recipe make a decoder learn to invert it:
# 1. `decoder_warmup_iters`: the decoder first learns D(E(x)) = x alone;
# 2. `pixel_weight`: that pixel term stays in the objective next to Eq. 3.
# With real VGG weights (tools/convert_rain_weights.py) use
# rain_vgg19_8xb8-160k_gta5-wikiart-256x256.py instead.
_base_ = [
    '../_base_/models/rain_pretrainer.py',
    '../_base_/datasets/rain_content_style.py',
    '../_base_/schedules/rain_160k.py',
    '../_base_/default_runtime_rain.py',
]
warmup_iters = 1000
model = dict(decoder_warmup_iters=warmup_iters, loss=dict(pixel_weight=1.0))
# The warm-up's loss leaves the style VAE out: distributed runs need DDP to
# allow unused parameters (no effect in one process).
find_unused_parameters = True
demo_pipeline = [
    dict(type='LoadImageFromFile', color_type='color'),
    dict(type='RandomCrop', crop_size=(64, 64)),
]
train_dataloader = dict(
    batch_size=2,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        content=dict(
            data_root='data/demo/source/images', pipeline=demo_pipeline),
        style=dict(data_root='data/demo/style', pipeline=demo_pipeline)))
optim_wrapper = dict(optimizer=dict(lr=3e-4))
param_scheduler = [
    dict(
        type='MultiStepLR',
        milestones=[warmup_iters],
        gamma=1 / 3,
        by_epoch=False)
]
train_cfg = dict(max_iters=1450)
default_hooks = dict(
    logger=dict(interval=50), checkpoint=dict(interval=500, max_keep_ckpts=1))
custom_hooks = [
    dict(
        type='RAINVisualizationHook', interval=500, num_images=2,
        num_random=2),
    dict(type='WeightsExportHook', filename='rain_demo.pth'),
]

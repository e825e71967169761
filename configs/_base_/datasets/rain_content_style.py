# RAIN pretraining data (ASM authors' recipe): content = source-domain images,
# style = WikiArt paintings, each resized to 512x1024 and randomly cropped to
# 256x256. Override the folders with e.g.
#   --cfg-options train_dataloader.dataset.content.data_root=PATH \
#                 train_dataloader.dataset.style.data_root=PATH
# Any mmseg dataset works as content, e.g.
#   content=dict(type='CityscapesDataset', data_root='data/cityscapes',
#                data_prefix=dict(img_path='leftImg8bit/train',
#                                 seg_map_path='gtFine/train'),
#                pipeline=rain_pipeline)
content_root = 'data/gta5/images'
style_root = 'data/wikiart'
resize_scale = (1024, 512)  # (w, h), aspect ratio not kept, as the authors
crop_size = (256, 256)
# color_type='color' (cv2.IMREAD_COLOR) turns grayscale, RGBA and 16-bit
# files into 3-channel 8-bit BGR (16-bit values are divided by 256).
rain_pipeline = [
    dict(type='LoadImageFromFile', color_type='color'),
    dict(type='Resize', scale=resize_scale, keep_ratio=False),
    dict(type='RandomCrop', crop_size=crop_size),
]
train_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    # Seeds every random choice of a sample by its position in the stream:
    # resumed runs repeat uninterrupted ones exactly.
    sampler=dict(type='SeededInfiniteSampler', shuffle=True),
    dataset=dict(
        type='ContentStyleDataset',
        content=dict(
            type='ImageFolderDataset',
            data_root=content_root,
            pipeline=rain_pipeline),
        style=dict(
            type='ImageFolderDataset',
            data_root=style_root,
            pipeline=rain_pipeline),
        pipeline=[dict(type='PackContentStyleInputs')]))

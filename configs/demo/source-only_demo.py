# Demo pair, source-only (Table 4's first arm): the small DeepLab-v2 trained
# on the game-like source, evaluated on the photo-like target val.
#   python tools/make_demo_domains.py data/demo
#   python tools/train.py configs/demo/source-only_demo.py
# A batch holds 4 source images, as many as an ASM batch of 2 stylized + 2
# source images (keep_source), so every arm trains on equal batches.
_base_ = [
    '../_base_/models/deeplabv2_r18-d16_scratch.py',
    '../_base_/datasets/demo_1shot.py',
    '../_base_/schedules/demo_adamw_poly_300.py',
    '../_base_/default_runtime.py',
]
model = dict(data_preprocessor=dict(size=_base_.image_size))
train_dataloader = dict(batch_size=4)
randomness = dict(seed=0)

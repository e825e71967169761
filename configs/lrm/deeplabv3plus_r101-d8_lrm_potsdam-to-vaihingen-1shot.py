# mmseg's own DeepLabV3+ (ResNet-101) Potsdam config, trained on Potsdam
# translated towards ONE Vaihingen tile by LRM and evaluated on Vaihingen
# (ISPRS, 6 classes). LRM reports mIoU 33.69 for Potsdam -> Vaihingen with
# one target tile (mean of 10 runs; no adaptation 16.66), with a U-Net.
#   1. train the translator:
#      python tools/train.py \
#          configs/lrm/lrm_1xb1-3456_potsdam-to-vaihingen-1shot-512x512.py
#   2. translate Potsdam offline into the same layout (labels linked):
#      python tools/translate.py $WORK_DIR/lrm_translator.pth \
#          data/vaihingen/img_dir/train/area1_0_0_512_512.png \
#          data/potsdam data/potsdam_lrm-vaihingen-1shot
#      (WORK_DIR=work_dirs/lrm_1xb1-3456_potsdam-to-vaihingen-1shot-512x512)
#   3. train and evaluate the segmentor (mmasm's tools/train.py resolves
#      `mmseg::`):
#      python tools/train.py \
#          configs/lrm/deeplabv3plus_r101-d8_lrm_potsdam-to-vaihingen-1shot.py
# Translating on the fly instead: keep data_root='data/potsdam' and put
# dict(type='LRMTranslate', checkpoint=..., target=...) after
# LoadImageFromFile in the train pipeline (see lrm_demo_segmentor.py).
_base_ = [
    'mmseg::deeplabv3plus/deeplabv3plus_r101-d8_4xb4-80k_potsdam-512x512.py'
]
default_scope = 'mmasm'  # LRMTranslate and mmasm's hooks, beside mmseg's modules
train_dataloader = dict(
    dataset=dict(data_root='data/potsdam_lrm-vaihingen-1shot'))
# Vaihingen is the target domain: validate and test there (mmseg's
# ISPRSDataset, same 6 classes and label convention as PotsdamDataset).
val_dataloader = dict(
    dataset=dict(type='ISPRSDataset', data_root='data/vaihingen'))
test_dataloader = val_dataloader

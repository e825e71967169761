# RAIN pretraining, the ASM authors' recipe: content = GTA5 images, style =
# WikiArt, 256x256 crops of 512x1024 resizes, batch 8, Adam 1e-4 with
# lr / (1 + 5e-5 * iter), 160k iterations.
#   python tools/train.py \
#       configs/rain/rain_vgg19_8xb8-160k_gta5-wikiart-256x256.py
# The frozen encoder must be the VGG-19 of AdaIN, converted first:
#   python tools/convert_rain_weights.py convert --vgg vgg_normalised.pth \
#       --out checkpoints/rain_vgg_encoder.pth
# "8xb8" keeps mmseg's naming: the authors trained on one GPU with batch 8;
# with N processes set train_dataloader.batch_size=8/N to keep batch 8.
_base_ = [
    '../_base_/models/rain_pretrainer.py',
    '../_base_/datasets/rain_content_style.py',
    '../_base_/schedules/rain_160k.py',
    '../_base_/default_runtime_rain.py',
]
model = dict(rain_checkpoint='checkpoints/rain_vgg_encoder.pth')

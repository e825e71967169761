# Add zero-shot ASH to any mmseg EncoderDecoder config (train with mmasm's
# tools/train.py):
#   _base_ = ['mmseg::segformer/segformer_mit-b0_8xb1-160k_cityscapes-1024x1024.py',
#             'mmasm::_base_/ash/ash_zero_shot.py']
#   style_images = 'data/wikiart/'  # any folder of paintings or photos
# then point the train set at the labelled source domain. The model's type
# stays as it is: ASHHook adds its adversarial loss through a forward hook.
_base_ = ['./ash_hook.py']

# The one-shot GTA5 -> Cityscapes setting of DATUM: a local Stable Diffusion
# v1.4 folder in diffusers format (download it once, e.g.
#   huggingface-cli download CompVis/stable-diffusion-v1-4 \
#       --local-dir checkpoints/stable-diffusion-v1-4)
# and one Cityscapes train image (the authors pick one at random; mean of
# three; this default is the one of ASM).
model_dir = 'checkpoints/stable-diffusion-v1-4'
one_shot_image = 'data/cityscapes/leftImg8bit/train/aachen/aachen_000000_000019_leftImg8bit.png'

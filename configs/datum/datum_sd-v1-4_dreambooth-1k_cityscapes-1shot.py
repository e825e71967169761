# DATUM stages 1 and 2 with the authors' settings: full DreamBooth of SD v1.4
# on one Cityscapes image (1000 steps, checkpoints every 200), then 2975
# images from the step-200 checkpoint into data/datum/ (where the DATUM
# self-training configs of this folder read them).
#   python tools/datum_personalize.py THIS_CONFIG
#   python tools/datum_generate.py THIS_CONFIG
# Not run here (no GPU): about 24 GB of GPU memory for the full fine-tune.
_base_ = [
    '../_base_/datum/cityscapes_1shot.py',
    '../_base_/datum/dreambooth.py',
    '../_base_/datum/generation.py',
]
generate = dict(out_dir='data/datum/')

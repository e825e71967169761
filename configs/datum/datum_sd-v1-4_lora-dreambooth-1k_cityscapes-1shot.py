# DATUM with LoRA DreamBooth (not the authors'): rank-4 adapters on the
# attention projections of the UNet and the text encoder instead of all
# weights, at LoRA's usual lr 1e-4 (diffusers' train_dreambooth_lora.py);
# checkpoints hold only the adapters (a few MB) and generation fuses them
# into the base model. Not run here (no GPU); not compared with full
# DreamBooth on the segmentation task.
_base_ = ['./datum_sd-v1-4_dreambooth-1k_cityscapes-1shot.py']
personalize = dict(
    lora=dict(_delete_=True, rank=4, alpha=4), optimizer=dict(lr=1e-4))

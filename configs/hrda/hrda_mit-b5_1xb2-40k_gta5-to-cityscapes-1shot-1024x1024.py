# One-shot HRDA, GTA5 -> Cityscapes: the target set is the single
# Cityscapes train image aachen_000000_000019 (the one-shot setting of ASM
# and DATUM). No published number for this exact setting (HRDA + DATUM in
# ../datum/ adds generated images); not trained here.
_base_ = ['./hrda_mit-b5_1xb2-40k_gta5-to-cityscapes-1024x1024.py']
train_dataloader = dict(
    dataset=dict(target=dict(_base_.uda_hr_one_shot_target, _delete_=True)))

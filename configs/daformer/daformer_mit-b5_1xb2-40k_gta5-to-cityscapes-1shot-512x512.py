# One-shot DAFormer: the target set is the single Cityscapes train image
# aachen_000000_000019 (the one-shot setting of ASM and DATUM; DATUM trains
# DAFormer on it plus generated images). No published number for this exact
# setting; not trained here.
_base_ = ['./daformer_mit-b5_1xb2-40k_gta5-to-cityscapes-512x512.py']
train_dataloader = dict(
    dataset=dict(target=dict(_base_.uda_one_shot_target, _delete_=True)))

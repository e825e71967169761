# One-shot DACS: the target set is the single Cityscapes train image
# aachen_000000_000019. Not trained here.
_base_ = ['./dacs_deeplabv2-r101-d8_1xb2-250k_gta5-to-cityscapes-512x512.py']
train_dataloader = dict(
    dataset=dict(
        target=dict(
            _base_.uda_one_shot_target,
            _delete_=True,
            pipeline=_base_.train_dataloader.dataset.target.pipeline)))

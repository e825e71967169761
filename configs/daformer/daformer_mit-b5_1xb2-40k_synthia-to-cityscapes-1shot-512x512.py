# One-shot DAFormer, SYNTHIA -> Cityscapes: the target set is the single
# Cityscapes train image aachen_000000_000019. Not trained here.
_base_ = ['./daformer_mit-b5_1xb2-40k_synthia-to-cityscapes-512x512.py']
train_dataloader = dict(
    dataset=dict(target=dict(_base_.uda_one_shot_target, _delete_=True)))

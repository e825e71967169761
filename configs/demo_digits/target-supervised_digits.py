# The digits demo's upper bound: the same classifier and budget trained on
# the labelled target train split (1000 images), full target supervision.
_base_ = ['./source-only_digits.py']
train_dataloader = dict(dataset=dict(data_prefix='target/train'))

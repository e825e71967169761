# configs/ash/ash_demo.py with the conditioning net frozen at its random
# initialisation (an ablation, not the paper): ASH's
# hallucinations without update 1. Compared with the RAIN `random` arm it
# tells whether ASH's stylization path or its adversarial part is at fault;
# compared with ash_demo.py, whether update 1 matters at all.
#   python tools/train.py configs/ash/ash_demo-frozen-conditioning.py
_base_ = ['./ash_demo.py']
model = dict(train_hallucinator=False)

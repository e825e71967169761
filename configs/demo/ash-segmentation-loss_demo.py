# Demo pair, zero-shot ASH, the paper's "ASH (segmentation loss)" variant:
# the conditioning net raises the segmentor's segmentation loss of the
# rendering (not a discriminator's adversarial loss) and the segmentor
# learns the renderings with the source labels. Otherwise as
# configs/ash/ash_demo.py.
#   python tools/train.py configs/demo/ash-segmentation-loss_demo.py
_base_ = ['../ash/ash_demo.py']
model = dict(adversary='segmentation')

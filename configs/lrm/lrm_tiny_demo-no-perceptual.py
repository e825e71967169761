# configs/lrm/lrm_tiny_demo.py without the VGG content and Gram style terms
# (an ablation, not the paper): the translator trains on
# reconstruction and LSGAN only. The demo's loss network is a random VGG-19
# (no ImageNet weights here); this tells whether its terms help or hurt.
#   python tools/train.py configs/lrm/lrm_tiny_demo-no-perceptual.py
_base_ = ['./lrm_tiny_demo.py']
model = dict(perceptual_loss=None)

# MIC (Hoyer et al., CVPR 2023): the student also predicts the colour-augmented
# target with random 64x64 patches masked (ratio 0.7), towards the teacher's
# pseudo-labels and weights (weight 1; MIC's 'separatetrgaug' mode). Add it
# to a DACS / DAFormer config: model = dict(mic=_base_.mic). The authors
# use 64-pixel blocks at full resolution (HRDA) and 32 at DAFormer's half
# resolution (configs/mic/ sets it).
mic = dict(mask_ratio=0.7, block_size=64, loss_weight=1.0, augment=True)

# Demo pair, one-shot self-training: DACS as ./self-training_demo.py, but the
# target set is the single one-shot image (the benchmark points it at each
# seed's image, mmasm.demo.demo_config). Per step: 4 labelled source images
# and 4 draws of the one-shot image (its random flips differ); same
# recipe, segmentor and 300 optimizer steps.
_base_ = ['./self-training_demo.py']
# the folder of _base_.one_shot_image, and that image only
train_dataloader = dict(
    dataset=dict(
        target=dict(
            data_root=_base_.target_data_root + 'leftImg8bit/train/demo',
            img_suffixes=('demo_000000_000019_leftImg8bit.png', ))))

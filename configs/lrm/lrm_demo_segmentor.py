# The demo pair with LRM: the source-only demo segmentor
# (configs/demo/source-only_demo.py), trained on source images translated
# on the fly (LRMTranslate) towards the one-shot target image.
#   python tools/make_demo_domains.py data/demo
#   python tools/train.py configs/lrm/lrm_tiny_demo.py
#   python tools/train.py configs/lrm/lrm_demo_segmentor.py
# Every source image is translated (prob=1.0, as the authors train their
# segmentor on translated source images only); prob=0.5 mixes in originals.
_base_ = ['../demo/source-only_demo.py']
# the translator exported by tools/train.py configs/lrm/lrm_tiny_demo.py
lrm_translator = 'work_dirs/lrm_tiny_demo/lrm_translator.pth'
# the same one-shot target image the translator was trained on
one_shot_target = ('data/demo/target/leftImg8bit/train/demo/'
                   'demo_000000_000019_leftImg8bit.png')
train_pipeline = [
    dict(type='LoadImageFromFile'),
    # before any geometric augmentation: the whole image is translated
    dict(
        type='LRMTranslate',
        checkpoint=lrm_translator,
        target=one_shot_target,
        prob=1.0),
    dict(type='LoadAnnotations'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))

# DACS self-training (Tranheden et al., WACV 2021) for any mmseg segmentor.
# The segmentor config becomes the student by switching its type:
#   model = dict(_base_.dacs, type='mmasm.DACS')
# (the other keys of the model dict build the student; segmentor_type names
# its class, EncoderDecoder by default). Train on a UDADataset (source +
# target), e.g. ../datasets/uda_gta5_to_cityscapes_512x512.py.
dacs = dict(
    alpha=0.99,  # α of the EMA teacher (DACS' code)
    pseudo_threshold=0.968,  # τ
    pseudo_weight_ignore_top=0,
    pseudo_weight_ignore_bottom=0,
    mix_classes='image',  # 'authors': DAFormer's batch-wide class draw
    color_jitter_strength=0.2,
    color_jitter_prob=0.8,
    blur=True,
    color_jitter_mode='authors',  # kornia 0.5's jitter; or 'torchvision'
    # options (absent = off): imnet_feature_dist=dict(...) (./daformer.py),
    # mic=dict(...) (./mic.py)
    teacher_norm='batch',  # the authors' teacher: target-batch BN statistics
    eval_network='student',  # DAFormer evaluates the student
    vis_interval=1000)  # mixing grid in the visualizer's backends
# One DDP per trained network: the student; the EMA teacher is frozen and
# updated identically on every rank.
model_wrapper_cfg = dict(type='MMSeparateDistributedDataParallel')
# mmasm's tools check decode_head.num_classes against the source classes before
# training (NumClassCheckHook); no custom_hooks here, so ASM's pieces compose.

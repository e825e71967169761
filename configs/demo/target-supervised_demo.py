# The demo's upper bound: the same segmentor and budget trained on the
# labelled target train split (20 images), i.e. full target supervision.
_base_ = ['./source-only_demo.py']
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='CityscapesDataset',
        data_root=_base_.target_data_root,
        data_prefix=dict(
            img_path='leftImg8bit/train', seg_map_path='gtFine/train'),
        pipeline=_base_.train_pipeline))

# DACS' schedule (vikolss/DACS configUDA.json): SGD momentum 0.9, weight
# decay 5e-4, lr 2.5e-4 (10x on the classifier), poly (power 0.9) over 250k
# iterations, no warm-up.
_base_ = ['./uda_adamw_poly10warm_40k.py']
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=2.5e-4, momentum=0.9, weight_decay=5e-4),
    paramwise_cfg=dict(custom_keys={'decode_head': dict(lr_mult=10.)}))
param_scheduler = [
    dict(
        type='PolyLR',
        eta_min=0.0,
        power=0.9,
        by_epoch=False,
        begin=0,
        end=250000),
]
train_cfg = dict(max_iters=250000, val_interval=5000)
default_hooks = dict(checkpoint=dict(interval=5000))

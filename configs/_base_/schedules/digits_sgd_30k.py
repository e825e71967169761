# The ASM paper's classification budget (Table 1): 30k iterations, batch 64.
# The paper gives no optimizer: SGD (momentum 0.9, wd 5e-4, lr 0.01) with a
# cosine decay is mmasm's choice.
max_steps = 30000
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4))
param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        T_max=max_steps,
        by_epoch=False,
        begin=0,
        end=max_steps)
]
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=max_steps, val_interval=5000)
val_cfg = dict()
test_cfg = dict()

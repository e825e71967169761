# DATUM's personalisation (Benigmim et al., 2023; the authors'
# train_dreambooth.py defaults): DreamBooth on random 512 crops of the
# one-shot image resized to a short side of 1024, no flip; prompt "a photo of
# a sks urban scene"; UNet and text encoder trained; no prior preservation;
# AdamW 5e-6 constant, no warm-up; gradient clipping 1.0; batch 1; fp32;
# 1000 steps, a checkpoint every 200 (the paper generates from step 200).
personalize = dict(
    instance_prompt='a photo of a sks urban scene',
    resize_short_side=1024,
    crop_size=512,
    batch_size=1,
    train_text_encoder=True,
    optimizer=dict(
        type='AdamW', lr=5e-6, betas=(0.9, 0.999), eps=1e-8,
        weight_decay=1e-2),
    max_grad_norm=1.0,
    max_steps=1000,
    checkpoint_interval=200,
    log_interval=20,
    # recompute activations in the backward pass (the authors' flag, off by
    # default there too): less GPU memory, slower steps
    gradient_checkpointing=False,
    # lora=dict(rank=4, alpha=4) trains low-rank adapters instead of all
    # weights (not the authors'; see ../../datum/*lora*.py)
    lora=None,
    seed=0,
    device=None)  # None: CUDA if available, else CPU

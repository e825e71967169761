# DATUM's pseudo-target set (the authors' generate_dreambooth.py): 2975
# images (Cityscapes train's size) at 512x512, 50 steps of the model's own
# scheduler (PNDM for SD v1.4), guidance 7.5, fp16, prompt "a photo of sks
# {c}" with c = classes[j mod 10] for image j. Differences (README): one CPU
# generator per image seeded seed + j (the authors pass none), safety checker
# off (theirs blacked out flagged images), resumable.
generate = dict(
    # reads <work_dir>/checkpoint-200 unless checkpoint is set
    checkpoint_step=200,
    checkpoint=None,
    out_dir=None,  # None: <work_dir>/images_step<checkpoint_step>
    num_images=2975,
    height=512,
    width=512,
    num_inference_steps=50,
    guidance_scale=7.5,
    template='a photo of sks {}',
    classes=('traffic lights', 'traffic signs', 'persons', 'riders', 'cars',
             'trucks', 'trains', 'buses', 'motorcycles', 'bicycles'),
    seed=0,
    batch_size=8,
    # (i, n): this process makes images j with j mod n = i (one per GPU)
    shard=None,
    dtype='float16',  # float32 on CPU
    scheduler=None,  # a diffusers scheduler class name to replace the model's
    fuse_lora=True,
    contact_sheet=dict(num_images=20, num_columns=5, tile_size=192),
    device=None)

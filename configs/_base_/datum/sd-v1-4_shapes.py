# Stable Diffusion v1.4's architecture (the config.json files of
# CompVis/stable-diffusion-v1-4): UNet 859.5 M, VAE 83.7 M and CLIP ViT-L/14
# text encoder 123.1 M parameters. tools/benchmarks/bench_datum.py builds it
# with random weights (mmasm.models.datum.build_random_pipeline): GPU timings
# and memory without any download.
sd_shapes = dict(
    unet=dict(
        sample_size=64,
        in_channels=4,
        out_channels=4,
        layers_per_block=2,
        block_out_channels=(320, 640, 1280, 1280),
        down_block_types=('CrossAttnDownBlock2D', 'CrossAttnDownBlock2D',
                          'CrossAttnDownBlock2D', 'DownBlock2D'),
        up_block_types=('UpBlock2D', 'CrossAttnUpBlock2D',
                        'CrossAttnUpBlock2D', 'CrossAttnUpBlock2D'),
        cross_attention_dim=768,
        attention_head_dim=8,
        norm_num_groups=32),
    vae=dict(
        in_channels=3,
        out_channels=3,
        down_block_types=('DownEncoderBlock2D', ) * 4,
        up_block_types=('UpDecoderBlock2D', ) * 4,
        block_out_channels=(128, 256, 512, 512),
        layers_per_block=2,
        latent_channels=4,
        norm_num_groups=32,
        sample_size=512),
    text_encoder=dict(
        vocab_size=49408,
        hidden_size=768,
        intermediate_size=3072,
        num_attention_heads=12,
        num_hidden_layers=12,
        max_position_embeddings=77,
        hidden_act='quick_gelu',
        projection_dim=768),
    scheduler=dict(
        type='PNDMScheduler',
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule='scaled_linear',
        num_train_timesteps=1000,
        set_alpha_to_one=False,
        skip_prk_steps=True,
        steps_offset=1))

# A tiny Stable Diffusion (about 0.9 M parameters) of SD v1's design: UNet
# with cross-attention, VAE with one downsampling (64x64 images, 32x32
# latents), 2-layer CLIP text encoder, PNDM. For CPU tests and the benchmark's
# --tiny smoke run; random weights (mmasm.models.datum.build_random_pipeline).
sd_shapes = dict(
    unet=dict(
        sample_size=32,
        in_channels=4,
        out_channels=4,
        layers_per_block=1,
        block_out_channels=(32, 64),
        down_block_types=('CrossAttnDownBlock2D', 'DownBlock2D'),
        up_block_types=('UpBlock2D', 'CrossAttnUpBlock2D'),
        cross_attention_dim=32,
        attention_head_dim=4,
        norm_num_groups=8),
    vae=dict(
        in_channels=3,
        out_channels=3,
        down_block_types=('DownEncoderBlock2D', ) * 2,
        up_block_types=('UpDecoderBlock2D', ) * 2,
        block_out_channels=(16, 32),
        layers_per_block=1,
        latent_channels=4,
        norm_num_groups=8,
        sample_size=64),
    text_encoder=dict(
        vocab_size=54,
        hidden_size=32,
        intermediate_size=64,
        num_attention_heads=4,
        num_hidden_layers=2,
        max_position_embeddings=77,
        projection_dim=32),
    scheduler=dict(
        type='PNDMScheduler',
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule='scaled_linear',
        num_train_timesteps=1000,
        set_alpha_to_one=False,
        skip_prk_steps=True,
        steps_offset=1))

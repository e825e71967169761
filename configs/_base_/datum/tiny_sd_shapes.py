# A tiny Stable Diffusion (about 0.9 M parameters) of SD v1's design: UNet
# with cross-attention, VAE with one downsampling (64x64 images, 32x32
# latents), 2-layer CLIP text encoder, SD v1.4's PNDM. For CPU tests and the
# benchmark's --tiny smoke run; random weights
# (mmasm.models.datum.build_random_pipeline).
_base_ = ['./sd-v1-4_shapes.py']
sd_shapes = dict(
    unet=dict(
        sample_size=32,
        layers_per_block=1,
        block_out_channels=(32, 64),
        down_block_types=('CrossAttnDownBlock2D', 'DownBlock2D'),
        up_block_types=('UpBlock2D', 'CrossAttnUpBlock2D'),
        cross_attention_dim=32,
        attention_head_dim=4,
        norm_num_groups=8),
    vae=dict(
        down_block_types=('DownEncoderBlock2D', ) * 2,
        up_block_types=('UpDecoderBlock2D', ) * 2,
        block_out_channels=(16, 32),
        layers_per_block=1,
        norm_num_groups=8,
        sample_size=64),
    text_encoder=dict(
        vocab_size=54,
        hidden_size=32,
        intermediate_size=64,
        num_attention_heads=4,
        num_hidden_layers=2,
        projection_dim=32))

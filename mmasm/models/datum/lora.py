"""LoRA DreamBooth (Hu et al., 2022): low-rank adapters on the attention
projections of the UNet and the text encoder, saved and loaded with
diffusers' LoRA functions (``pytorch_lora_weights.safetensors``)."""
import os.path as osp
from typing import Sequence

#: attention projections adapted, as diffusers' train_dreambooth_lora.py
UNET_LORA_TARGETS = ('to_q', 'to_k', 'to_v', 'to_out.0')
TEXT_ENCODER_LORA_TARGETS = ('q_proj', 'k_proj', 'v_proj', 'out_proj')
LORA_WEIGHTS_NAME = 'pytorch_lora_weights.safetensors'


def add_lora(pipeline,
             rank: int = 4,
             alpha: float = None,
             train_text_encoder: bool = True,
             unet_targets: Sequence[str] = UNET_LORA_TARGETS,
             text_encoder_targets: Sequence[str] = TEXT_ENCODER_LORA_TARGETS):
    """Freeze the pipeline's UNet and text encoder and add trainable rank-r
    adapters ``W + (alpha / r) B A`` to their attention projections (``B``
    starts at 0, so the pipeline is unchanged until trained).

    The text encoder gets its adapter through
    ``peft.inject_adapter_in_model``: transformers 5's ``add_adapter``
    refuses peft < 0.22."""
    from peft import LoraConfig, inject_adapter_in_model
    alpha = rank if alpha is None else alpha
    pipeline.unet.requires_grad_(False)
    pipeline.text_encoder.requires_grad_(False)
    pipeline.unet.add_adapter(
        LoraConfig(
            r=rank,
            lora_alpha=alpha,
            init_lora_weights='gaussian',
            target_modules=list(unet_targets)))
    if train_text_encoder:
        inject_adapter_in_model(
            LoraConfig(
                r=rank,
                lora_alpha=alpha,
                init_lora_weights='gaussian',
                target_modules=list(text_encoder_targets)),
            pipeline.text_encoder)
    return pipeline


def has_lora(module) -> bool:
    return any('lora_' in name for name, _ in module.named_parameters())


def save_lora(pipeline, directory: str) -> str:
    """Write the adapters of the pipeline's UNet (and text encoder, if it
    has them) to ``directory/pytorch_lora_weights.safetensors`` in diffusers'
    format; returns the file's path."""
    from diffusers import StableDiffusionPipeline
    from diffusers.utils import convert_state_dict_to_diffusers
    from peft import get_peft_model_state_dict
    layers = dict(
        unet_lora_layers=convert_state_dict_to_diffusers(
            get_peft_model_state_dict(pipeline.unet)))
    if has_lora(pipeline.text_encoder):
        layers['text_encoder_lora_layers'] = convert_state_dict_to_diffusers(
            get_peft_model_state_dict(pipeline.text_encoder))
    StableDiffusionPipeline.save_lora_weights(
        directory, safe_serialization=True, **layers)
    return osp.join(directory, LORA_WEIGHTS_NAME)


def load_lora(pipeline, directory: str, fuse: bool = True):
    """Load LoRA weights saved by :func:`save_lora` into ``pipeline``; with
    ``fuse``, merge them into the base weights and drop the adapter layers
    (generation then runs at the base model's speed)."""
    if not osp.isfile(osp.join(directory, LORA_WEIGHTS_NAME)):
        raise FileNotFoundError(
            f'no LoRA weights {LORA_WEIGHTS_NAME} in {directory!r} '
            '(written by personalisation with lora=dict(...))')
    pipeline.load_lora_weights(directory)
    if fuse:
        pipeline.fuse_lora()
        pipeline.unload_lora_weights()
    return pipeline

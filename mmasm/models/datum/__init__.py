"""DATUM (Benigmim et al., CVPR 2023 workshops): one-shot adaptation with a
Stable Diffusion model personalised on the one target image (DreamBooth,
full or LoRA), whose generated images become the unlabelled target set of
self-training. Needs the optional extra ``mmasm[datum]`` (diffusers,
transformers, peft); ``import mmasm`` does not import it."""
from .contact_sheet import contact_sheet
from .dreambooth import DreamBooth
from .generation import (DATUM_CLASSES, DATUM_PROMPT, IMAGE_DIR, IMAGE_NAME,
                         PROMPTS_FILE, datum_prompts, generate_images,
                         image_records, write_png)
from .lora import LORA_WEIGHTS_NAME, add_lora, has_lora, load_lora, save_lora
from .model_folder import (DEFAULT_MODEL_ID, check_model_dir, load_pipeline,
                           require_datum_extra)
from .one_shot_crops import OneShotCrops
from .random_pipeline import build_random_pipeline, write_char_tokenizer

__all__ = [
    'DATUM_CLASSES', 'DATUM_PROMPT', 'DEFAULT_MODEL_ID', 'DreamBooth',
    'IMAGE_DIR', 'IMAGE_NAME', 'LORA_WEIGHTS_NAME', 'OneShotCrops',
    'PROMPTS_FILE', 'add_lora', 'build_random_pipeline', 'check_model_dir',
    'contact_sheet', 'datum_prompts', 'generate_images', 'has_lora',
    'image_records', 'load_lora', 'load_pipeline', 'require_datum_extra',
    'save_lora', 'write_char_tokenizer', 'write_png'
]

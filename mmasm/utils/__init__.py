from .batch import bgr255_to_rgb01, make_style_batch, rgb01_to_bgr255
from .checkpoint import (is_trusted, load_tensor_file, trust_checkpoints,
                         use_safe_checkpoint_loader)
from .config_packages import mmasm_config_root, register_config_packages
from .image_grid import rgb_grid
from .image_io import (IMG_EXTENSIONS, MIN_IMAGE_SIZE, bgr_uint8_to_rgb01,
                       bgr_uint8_to_rgb255, list_images, read_rgb,
                       rgb01_to_bgr_uint8, rgb255_to_bgr_uint8)
from .mmseg_tools import (amp_device_available, build_runner,
                          distributed_session, load_mmseg_tool, tool_config)
from .modules import build_module, frozen, unwrap_model
from .seeding import seed_generator

__all__ = [
    'IMG_EXTENSIONS', 'MIN_IMAGE_SIZE', 'amp_device_available',
    'bgr255_to_rgb01', 'bgr_uint8_to_rgb01', 'bgr_uint8_to_rgb255',
    'build_module', 'build_runner', 'distributed_session', 'frozen',
    'is_trusted', 'list_images', 'load_mmseg_tool', 'load_tensor_file',
    'make_style_batch', 'mmasm_config_root', 'read_rgb',
    'register_config_packages', 'rgb01_to_bgr255', 'rgb01_to_bgr_uint8',
    'rgb255_to_bgr_uint8', 'rgb_grid', 'seed_generator', 'tool_config',
    'trust_checkpoints', 'unwrap_model', 'use_safe_checkpoint_loader'
]

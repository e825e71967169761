from mmasm.models.rain import compute_anchor, load_rain, target_statistics
from mmasm.utils import (IMG_EXTENSIONS, bgr_uint8_to_rgb01, list_images,
                         read_rgb, rgb01_to_bgr_uint8)
from .datum import (datum_arg_parser, datum_config, generate,
                    load_personalized, personalize)
from .search_trace import SearchTrace, segmentor_loss, trace_search
from .stylize import STYLIZE_MODES, stylize
from .stylize_folder import check_stylize_options, stylize_folder
from .train_config import train_config
from .translate import DEFAULT_IMG_DIRS, translate_folder

__all__ = [
    'IMG_EXTENSIONS', 'list_images', 'read_rgb', 'bgr_uint8_to_rgb01',
    'rgb01_to_bgr_uint8', 'load_rain', 'compute_anchor', 'target_statistics',
    'stylize', 'STYLIZE_MODES', 'stylize_folder', 'check_stylize_options',
    'train_config', 'translate_folder', 'DEFAULT_IMG_DIRS', 'SearchTrace',
    'segmentor_loss', 'trace_search', 'personalize', 'generate',
    'load_personalized', 'datum_config', 'datum_arg_parser'
]

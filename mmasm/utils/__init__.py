from .config_packages import (mmasm_config_path, mmasm_config_root,
                              register_config_packages)
from .image_grid import rgb_grid
from .mmseg_tools import (amp_device_available, build_runner, load_mmseg_tool,
                          tool_config)

__all__ = [
    'amp_device_available', 'build_runner', 'load_mmseg_tool',
    'mmasm_config_path', 'mmasm_config_root', 'register_config_packages',
    'rgb_grid', 'tool_config'
]

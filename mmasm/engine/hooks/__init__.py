from .ash_hook import ASHHook
from .asm_hook import ASMHook
from .lrm_export_hook import LRMExportHook
from .rain_export_hook import RAINExportHook
from .rain_visualization_hook import RAINVisualizationHook

__all__ = [
    'ASHHook', 'ASMHook', 'LRMExportHook', 'RAINExportHook', 'RAINVisualizationHook'
]

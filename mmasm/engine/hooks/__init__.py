from .asm_hook import ASMHook
from .rain_export_hook import RAINExportHook
from .rain_visualization_hook import RAINVisualizationHook

__all__ = ['ASMHook', 'RAINExportHook', 'RAINVisualizationHook']

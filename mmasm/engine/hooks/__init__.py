from .asm_hook import ASMHook
from .lrm_export_hook import LRMExportHook
from .num_class_check_hook import NumClassCheckHook
from .rain_export_hook import RAINExportHook
from .rain_visualization_hook import RAINVisualizationHook
from .reverted_sync_bn_hook import RevertedSyncBNHook

__all__ = [
    'ASMHook', 'LRMExportHook', 'NumClassCheckHook', 'RAINExportHook',
    'RAINVisualizationHook', 'RevertedSyncBNHook'
]

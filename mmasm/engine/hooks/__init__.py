from .asm_hook import ASMHook
from .atomic_checkpoint_hook import AtomicCheckpointHook
from .channels_last_hook import ChannelsLastHook
from .dataset_files_check_hook import DatasetFilesCheckHook
from .full_load_check_hook import FullLoadCheckHook
from .non_finite_check_hook import NonFiniteCheckHook
from .num_class_check_hook import NumClassCheckHook
from .parameter_drift_hook import ParameterDriftHook
from .rain_visualization_hook import RAINVisualizationHook
from .running_stats_sync_hook import RunningStatsSyncHook
from .weights_export_hook import WeightsExportHook

__all__ = [
    'ASMHook', 'AtomicCheckpointHook', 'ChannelsLastHook',
    'DatasetFilesCheckHook', 'FullLoadCheckHook', 'NonFiniteCheckHook',
    'NumClassCheckHook', 'ParameterDriftHook', 'RAINVisualizationHook',
    'RunningStatsSyncHook', 'WeightsExportHook'
]

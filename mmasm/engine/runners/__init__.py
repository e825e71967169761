from .cpu_dist_runner import CPUDistRunner, init_cpu_dist
from .reverted_sync_bn_hook import RevertedSyncBNHook

__all__ = ['CPUDistRunner', 'RevertedSyncBNHook', 'init_cpu_dist']

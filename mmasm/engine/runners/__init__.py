from .cpu_dist_runner import CPUDistRunner, init_cpu_dist

__all__ = ['CPUDistRunner', 'init_cpu_dist']

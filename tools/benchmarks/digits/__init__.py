"""The digits demo benchmark (``python -m tools.benchmarks.bench_digits_ablation``):
its runs, and how much of each digit the RAIN stylizations keep
(``python -m tools.benchmarks.bench_digit_preservation``)."""
from .preservation import preservation_table, score_rain
from .runs import DIGIT_ARMS, DIGITS_DATA, DIGITS_RAIN, run_digits_benchmark

__all__ = [
    'DIGIT_ARMS', 'DIGITS_DATA', 'DIGITS_RAIN', 'run_digits_benchmark',
    'preservation_table', 'score_rain'
]

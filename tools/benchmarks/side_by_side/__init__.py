"""The side-by-side benchmarks' parts (not entry points): the authors' ASM
loop rebuilt and the arms of ``bench_asm_vs_authors``; the authors' DAFormer
/ MIC code imported from a local checkout and the checks of
``bench_self_training_vs_authors``."""

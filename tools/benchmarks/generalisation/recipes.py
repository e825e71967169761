"""The candidate demo recipes the dev rule chooses between.

A recipe is what the rule of ``docs/en/benchmarks/generalisation.md``
chooses: the demo RAIN (its pretraining config: encoder tap, length, style
images, crop) and ASM's step size. The candidates were fixed before any
dev run of them; the rule picks the highest mean ASM mIoU13 over the dev
domains and seeds 0-2, keeping the current recipe when the difference's
95 % interval holds zero.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Recipe:
    """One candidate: ``rain_config`` relative to mmasm's configs, ASM's
    step length (``ASMHook.step_size``, the ascent's ε step)."""
    rain_config: str
    step_size: float
    about: str


RECIPES = {
    'relu2_1-step1':
    Recipe(
        'rain/rain_demo-relu2_1_cpu.py', 1.0,
        'the current demo: relu2_1 RAIN, step 1 (both chosen by label '
        'consistency on the demo target)'),
    'relu4_1-step8':
    Recipe('rain/rain_demo_cpu.py', 8.0,
           "RAIN's paper tap relu4_1 with the step the demo used with it"),
}
#: the recipe the demo ships (kept on a tie)
CURRENT = 'relu2_1-step1'

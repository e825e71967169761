from .asm_figures import (plot_loss_sawtooth, plot_search_path,
                          project_search_path)

__all__ = ['plot_loss_sawtooth', 'plot_search_path', 'project_search_path']

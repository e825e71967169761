from .style_mining import AdversarialStyleMining, StyleSearch, ascent_direction

__all__ = ['AdversarialStyleMining', 'StyleSearch', 'ascent_direction']

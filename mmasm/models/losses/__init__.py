from .consistency_loss import (authors_consistency, content_groups,
                               paper_consistency)

__all__ = ['authors_consistency', 'content_groups', 'paper_consistency']

"""Fail before the first iteration when model and data disagree on classes."""
from mmengine.hooks import Hook

from mmasm.registry import HOOKS
from mmasm.utils import unwrap_model


def decode_head_classes(model) -> int:
    """``num_classes`` of the decode head of a segmentor or of the
    segmentor an mmasm algorithm adapts (``segmentor_module``)."""
    model = unwrap_model(model)
    model = getattr(model, 'segmentor_module', model)
    head = getattr(model, 'decode_head', None)
    return getattr(head, 'num_classes', None)


@HOOKS.register_module()
class NumClassCheckHook(Hook):
    """Before training, check that the decode head predicts as many classes as
    the training dataset names (its ``metainfo['classes']``; for a
    ``UDADataset``, the source's), as mmdet's hook of the same name does.
    A mismatch is a clear error naming both config keys, instead of a
    cross-entropy index error (more labels) or silently untrained outputs
    (fewer)."""

    priority = 'VERY_HIGH'

    def before_train(self, runner) -> None:
        dataset = runner.train_dataloader.dataset
        classes = (getattr(dataset, 'metainfo', None) or {}).get('classes')
        num_classes = decode_head_classes(runner.model)
        if classes is None or num_classes is None or len(classes) == num_classes:
            return
        raise ValueError(
            f'model.decode_head.num_classes={num_classes} but the training dataset '
            f'(train_dataloader.dataset, {type(dataset).__name__}) has {len(classes)} classes '
            f'({", ".join(map(str, classes[:5]))}{", ..." if len(classes) > 5 else ""}); set '
            f'num_classes to {len(classes)} or give the dataset metainfo=dict(classes=...)')

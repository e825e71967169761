"""Fail before the first iteration when model and data disagree on classes."""
from mmengine.hooks import Hook

from mmasm.registry import HOOKS
from mmasm.utils import unwrap_model


def head_classes(model):
    """``(config key, num_classes)`` of the head that predicts the classes:
    the decode head of a segmentor (or of the segmentor an mmasm algorithm
    adapts, ``segmentor_module``), or the head of an mmpretrain classifier;
    ``(None, None)`` for other models."""
    model = unwrap_model(model)
    model = getattr(model, 'segmentor_module', model)
    for key in ('decode_head', 'head'):
        num_classes = getattr(getattr(model, key, None), 'num_classes', None)
        if num_classes is not None:
            return f'model.{key}.num_classes', num_classes
    return None, None


@HOOKS.register_module()
class NumClassCheckHook(Hook):
    """Before training, check that the decode head (segmentors) or head
    (classifiers) predicts as many classes as
    the training dataset names (its ``metainfo['classes']``; for a
    ``UDADataset``, the source's), as mmdet's hook of the same name does.
    A mismatch is a clear error naming both config keys, instead of a
    cross-entropy index error (more labels) or silently untrained outputs
    (fewer)."""

    priority = 'VERY_HIGH'

    def before_train(self, runner) -> None:
        dataset = runner.train_dataloader.dataset
        classes = (getattr(dataset, 'metainfo', None) or {}).get('classes')
        key, num_classes = head_classes(runner.model)
        if classes is None or num_classes is None or len(
                classes) == num_classes:
            return
        raise ValueError(
            f'{key}={num_classes} but the training dataset '
            f'(train_dataloader.dataset, {type(dataset).__name__}) has {len(classes)} classes '
            f'({", ".join(map(str, classes[:5]))}{", ..." if len(classes) > 5 else ""}); set '
            f'num_classes to {len(classes)} or give the dataset metainfo=dict(classes=...)'
        )

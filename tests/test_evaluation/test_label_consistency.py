"""The label-consistency score (FCN-score) of generated images."""
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmseg.evaluation import IoUMetric
from mmseg.structures import SegDataSample
from utils import TINY_SEGFORMER_CFG

from mmasm.evaluation.label_consistency import (LabelConsistencyScore,
                                                predict_labels)
from mmasm.registry import MODELS
from mmasm.utils import build_module, rgb01_to_bgr255

pytestmark = pytest.mark.usefixtures('one_torch_thread')
CLASSES = [f'c{i}' for i in range(19)]


@pytest.fixture(scope='module')
def segmentor():
    torch.manual_seed(0)
    return build_module(
        Config.fromfile(str(TINY_SEGFORMER_CFG)).model, MODELS).eval()


def images(seed, num=3, size=(32, 48)):
    return torch.rand(
        num, 3, *size, generator=torch.Generator().manual_seed(seed))


def test_predictions_are_the_segmentors_test_predictions(segmentor):
    """What ``predict_labels`` reads equals mmseg's own test path."""
    batch = images(0)
    samples = [
        SegDataSample(metainfo=dict(img_shape=(32, 48), ori_shape=(32, 48)))
        for _ in batch
    ]
    data = segmentor.data_preprocessor(
        dict(
            inputs=list(rgb01_to_bgr255(batch).unbind(0)),
            data_samples=samples), False)
    expected = torch.stack([
        s.pred_sem_seg.data[0]
        for s in segmentor.predict(data['inputs'], data['data_samples'])
    ])
    assert torch.equal(predict_labels(segmentor, batch), expected)


def test_score_equals_mmseg_iou_of_the_predictions(segmentor):
    labels = torch.randint(
        0, 19, (3, 32, 48), generator=torch.Generator().manual_seed(1))
    labels[:, :4] = 255  # ignored
    score = LabelConsistencyScore(segmentor, CLASSES)
    score.update(images(0), labels)
    predictions = predict_labels(segmentor, images(0))
    totals = [
        sum(parts) for parts in zip(*[
            IoUMetric.intersect_and_union(p, l, 19, 255)
            for p, l in zip(predictions, labels)
        ])
    ]
    with np.errstate(invalid='ignore', divide='ignore'):
        expected = (totals[0] / totals[1]).numpy() * 100
    result = score.result()
    assert result['mIoU'] == pytest.approx(np.nanmean(expected), abs=1e-5)
    assert result['IoU.c3'] == pytest.approx(
        expected[3], abs=1e-5, nan_ok=True)


def test_own_predictions_as_labels_score_100_on_the_subset(segmentor):
    """Accumulated over batches; the mean is over the subset's classes that
    occur (absent ones are NaN, as mmseg's IoUMetric)."""
    score = LabelConsistencyScore(segmentor, CLASSES, subset=CLASSES[:13])
    predicted = set()
    for seed in (0, 1):
        labels = predict_labels(segmentor, images(seed))
        predicted |= set(labels.unique().tolist())
        score.update(images(seed), labels)
    result = score.result()
    assert result['mIoU'] == pytest.approx(100.0)
    for index, name in enumerate(CLASSES):
        assert np.isnan(result[f'IoU.{name}']) == (index not in predicted)


def test_bad_input_is_named(segmentor):
    with pytest.raises(KeyError, match=r"names \['sky'\]"):
        LabelConsistencyScore(segmentor, CLASSES, subset=['c0', 'sky'])
    with pytest.raises(ValueError, match='one label map per image'):
        LabelConsistencyScore(segmentor, CLASSES).update(
            images(0), torch.zeros(2, 32, 48))

"""GTA5 / SYNTHIA: label converters, datasets, dataset configs, and the
16 / 13-class evaluation of SYNTHIA -> Cityscapes."""
import importlib.util
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.datasets import CityscapesDataset
from PIL import Image

import mmasm  # noqa: F401
from mmasm.datasets.synthia import SYNTHIA_CLASSES_13, SYNTHIA_CLASSES_16
from mmasm.registry import DATASETS, METRICS

init_default_scope('mmasm')

REPO = Path(__file__).resolve().parents[2]
CLASSES = CityscapesDataset.METAINFO['classes']

# hand-checked (source id, train id) pairs, from cityscapesScripts' labels
# (GTA5 uses Cityscapes label ids) and SYNTHIA's README
GTA5_PIXELS = [(7, 0), (8, 1), (11, 2), (12, 3), (13, 4), (17, 5), (19, 6),
               (20, 7), (21, 8), (22, 9), (23, 10), (24, 11), (25, 12),
               (26, 13), (27, 14), (28, 15), (31, 16), (32, 17), (33, 18),
               (0, 255), (1, 255), (6, 255), (9, 255), (14, 255), (34, 255)]
SYNTHIA_PIXELS = [(3, 0), (4, 1), (2, 2), (21, 3), (5, 4), (7, 5), (15, 6),
                  (9, 7), (6, 8), (1, 10), (10, 11), (17, 12), (8, 13),
                  (19, 15), (12, 17), (11, 18), (0, 255), (13, 255), (14, 255),
                  (16, 255), (18, 255), (20, 255), (22, 255), (1000, 255)]


def label_grid(pairs, height=4):
    """An (height, len(pairs)) map with one source id per column, and the
    expected train ids."""
    source = np.array([p[0] for p in pairs])[None].repeat(height, 0)
    expected = np.array([p[1] for p in pairs],
                        np.uint8)[None].repeat(height, 0)
    return source, expected


def write_image(path, height, width, seed):
    image = np.random.default_rng(seed).integers(
        0, 256, (height, width, 3), dtype=np.uint8)
    cv2.imwrite(str(path), image)


def write_gta5(root, palette=True):
    """GTA5 layout; labels as palette PNGs (as GTA5 ships them) or grey."""
    (root / 'images').mkdir(parents=True)
    (root / 'labels').mkdir()
    ids, expected = label_grid(GTA5_PIXELS)
    for index, name in enumerate(['00002.png', '00001.png']):
        write_image(root / 'images' / name, *ids.shape, index)
        if palette:
            label = Image.fromarray(ids.astype(np.uint8), mode='P')
            label.putpalette(list(range(256)) * 3)  # colours != indices
            label.save(root / 'labels' / name)
        else:
            cv2.imwrite(str(root / 'labels' / name), ids.astype(np.uint8))
    return expected


def write_synthia(root):
    """SYNTHIA layout; labels 16-bit 3-channel, class id in the file's first
    channel, instance ids (here ids that map to other classes) in the
    second."""
    (root / 'RGB').mkdir(parents=True)
    (root / 'GT' / 'LABELS').mkdir(parents=True)
    ids, expected = label_grid(SYNTHIA_PIXELS)
    label = np.zeros(ids.shape + (3, ), np.uint16)
    label[..., 2] = ids  # cv2 writes BGR: channel 2 is the file's first
    label[..., 1] = 21  # instance id channel: wall if misread
    label[..., 0] = 4  # sidewalk if misread
    for index, name in enumerate(['0000001.png', '0000000.png']):
        write_image(root / 'RGB' / name, *ids.shape, index)
        assert cv2.imwrite(str(root / 'GT' / 'LABELS' / name), label)
    return expected


def run_tool(name, *args):
    path = REPO / 'tools' / 'convert_datasets' / f'{name}.py'
    spec = importlib.util.spec_from_file_location(f'convert_{name}', path)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    tool.main([str(a) for a in args])


def read_train_ids(path):
    label = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    assert label is not None and label.dtype == np.uint8 and label.ndim == 2
    return label


@pytest.mark.parametrize('palette', [True, False])
def test_gta5_converter_maps_cityscapes_ids(tmp_path, palette):
    expected = write_gta5(tmp_path, palette)
    run_tool('gta5', tmp_path, '--nproc', 2 if palette else 1)
    for name in ('00001', '00002'):
        converted = tmp_path / 'labels' / f'{name}_labelTrainIds.png'
        np.testing.assert_array_equal(read_train_ids(converted), expected)
    # running again converts the originals only
    run_tool('gta5', tmp_path, '--nproc', 1)
    assert len(list((tmp_path / 'labels').iterdir())) == 4


def test_synthia_converter_reads_the_first_channel(tmp_path):
    expected = write_synthia(tmp_path)
    out = tmp_path / 'converted'
    run_tool('synthia', tmp_path, '--nproc', 2, '--out-dir', out)
    for name in ('0000000', '0000001'):
        np.testing.assert_array_equal(
            read_train_ids(out / f'{name}_labelTrainIds.png'), expected)


def test_gta5_dataset_lists_and_loads_train_ids(tmp_path):
    expected = write_gta5(tmp_path)
    dataset_cfg = dict(
        type='GTA5Dataset',
        data_root=str(tmp_path),
        data_prefix=dict(img_path='images', seg_map_path='labels'),
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadAnnotations')
        ])
    with pytest.raises(FileNotFoundError, match='convert_datasets/gta5.py'):
        DATASETS.build(dataset_cfg)
    run_tool('gta5', tmp_path, '--nproc', 1)
    dataset = DATASETS.build(dataset_cfg)
    assert dataset.metainfo['classes'] == CLASSES
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    assert [Path(d['img_path']).name
            for d in infos] == ['00001.png', '00002.png']
    assert [Path(d['seg_map_path']).name for d in infos
            ] == ['00001_labelTrainIds.png', '00002_labelTrainIds.png']
    item = dataset[0]
    np.testing.assert_array_equal(item['gt_seg_map'], expected)
    assert item['img'].shape == expected.shape + (3, )


def test_synthia_dataset_lists_and_loads_train_ids(tmp_path):
    expected = write_synthia(tmp_path)
    run_tool('synthia', tmp_path, '--nproc', 1)
    dataset = DATASETS.build(
        dict(
            type='SYNTHIADataset',
            data_root=str(tmp_path),
            data_prefix=dict(img_path='RGB', seg_map_path='GT/LABELS'),
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='LoadAnnotations')
            ]))
    assert len(dataset) == 2
    assert Path(dataset.get_data_info(0)['seg_map_path']).name == \
        '0000000_labelTrainIds.png'
    np.testing.assert_array_equal(dataset[1]['gt_seg_map'], expected)


def test_synthia_class_subsets():
    assert len(SYNTHIA_CLASSES_16) == 16 and len(SYNTHIA_CLASSES_13) == 13
    assert set(CLASSES) - set(SYNTHIA_CLASSES_16) == {
        'terrain', 'truck', 'train'
    }
    assert set(SYNTHIA_CLASSES_16) - set(SYNTHIA_CLASSES_13) == {
        'wall', 'fence', 'pole'
    }


def evaluate(metric, pairs):
    metric.dataset_meta = dict(classes=CLASSES)
    for pred, label in pairs:
        metric.process({}, [
            dict(
                pred_sem_seg=dict(data=torch.tensor(pred)[None]),
                gt_sem_seg=dict(data=torch.tensor(label)[None]))
        ])
    return metric.evaluate(len(pairs))


def test_class_subset_miou_averages_the_named_classes():
    metric = METRICS.build(
        dict(
            type='ClassSubsetIoUMetric',
            class_subsets=dict(
                mIoU16=SYNTHIA_CLASSES_16, mIoU13=SYNTHIA_CLASSES_13)))
    # road: IoU 1/2; wall (3): IoU 0; sky (10): IoU 1; rest absent (NaN)
    label = np.array([[0, 0, 3, 10]])
    pred = np.array([[0, 1, 3 + 1, 10]])
    results = evaluate(metric, [(pred, label)])
    # sidewalk (1) and fence (4) are predicted but absent: IoU 0
    assert results['mIoU16'] == pytest.approx(100 * (0.5 + 0 + 0 + 0 + 1) / 5)
    assert results['mIoU13'] == pytest.approx(100 * (0.5 + 0 + 1) / 3)
    assert 'mIoU' in results and 'aAcc' in results
    assert 'IoU.road' not in results
    metric.per_class = True
    per_class = evaluate(metric, [(pred, label)])
    assert per_class['IoU.road'] == pytest.approx(50.0)
    assert per_class['IoU.sky'] == pytest.approx(100.0)
    assert per_class['IoU.fence'] == pytest.approx(0.0)
    assert np.isnan(per_class['IoU.car'])
    bad = METRICS.build(
        dict(
            type='ClassSubsetIoUMetric',
            class_subsets=dict(x=['road', 'lane'])))
    with pytest.raises(KeyError, match="'lane'"):
        evaluate(bad, [(pred, label)])


def source_item(config, root):
    cfg = Config.fromfile(
        str(REPO / 'configs' / '_base_' / 'datasets' / config))
    cfg.train_dataloader.dataset.data_root = str(root)
    return cfg, DATASETS.build(cfg.train_dataloader.dataset)[0]


def test_gta5_config_crops_source_and_keeps_full_res_val_labels(
        tmp_path, cityscapes_root):
    write_gta5(tmp_path)
    run_tool('gta5', tmp_path, '--nproc', 1)
    cfg, item = source_item('gta5_to_cityscapes_1shot.py', tmp_path)
    assert item['inputs'].shape == (3, 480, 960)
    assert item['data_samples'].gt_sem_seg.data.shape == (1, 480, 960)
    assert set(item['data_samples'].gt_sem_seg.data.unique().tolist()) <= \
        set(range(19)) | {255}
    assert (Path(cfg.target_data_root) / cfg.one_shot_image).parts[-3:] == (
        'train', 'aachen', 'aachen_000000_000019_leftImg8bit.png')
    cfg.val_dataloader.dataset.data_root = str(cityscapes_root)
    val_item = DATASETS.build(cfg.val_dataloader.dataset)[0]
    assert val_item['inputs'].shape == (3, 512, 1024)  # network input
    assert val_item['data_samples'].gt_sem_seg.data.shape == (1, 32, 64)
    assert cfg.val_evaluator.type == 'IoUMetric'


def test_synthia_config_crops_source_and_reports_13_classes(tmp_path):
    write_synthia(tmp_path)
    run_tool('synthia', tmp_path, '--nproc', 1)
    cfg, item = source_item('synthia_to_cityscapes_1shot.py', tmp_path)
    assert item['inputs'].shape == (3, 480, 960)
    subsets = cfg.val_evaluator.class_subsets
    assert tuple(subsets.mIoU16) == SYNTHIA_CLASSES_16
    assert tuple(subsets.mIoU13) == SYNTHIA_CLASSES_13
    assert METRICS.build(cfg.val_evaluator).class_subsets['mIoU13'] == \
        SYNTHIA_CLASSES_13

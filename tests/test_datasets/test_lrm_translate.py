"""The LRMTranslate transform: translating source images with a trained LRM
translator on the fly, in mmseg pipelines (offline: test_apis/
test_translate_folder.py)."""
import pickle
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from mmengine.registry import init_default_scope
from utils import add_gta5_extras, write_lrm_translator

from mmasm.datasets.transforms import LRMTranslate
from mmasm.models.lrm import LRMTranslator
from mmasm.registry import DATASETS
from mmasm.utils import bgr_uint8_to_rgb255

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.usefixtures('one_torch_thread')


@pytest.fixture(scope='module')
def translator_files(tmp_path_factory):
    """A random translator checkpoint and a 40x24 target image."""
    return write_lrm_translator(tmp_path_factory.mktemp('lrm_translator'))


def test_transform_translates_like_the_translator(translator_files):
    checkpoint, target = translator_files
    img = np.random.default_rng(0).integers(0, 256, (33, 50, 3), np.uint8)
    results = LRMTranslate(checkpoint, target)(
        dict(img=img.copy(), img_path='x.png'))
    assert results['lrm_applied'] is True
    out = results['img']
    assert out.dtype == np.uint8 and out.shape == img.shape
    torch.manual_seed(0)
    translator = LRMTranslator().eval()
    with torch.no_grad():
        expected = translator.translate(
            bgr_uint8_to_rgb255(img),
            bgr_uint8_to_rgb255(cv2.imread(target)))[0]
    expected = expected.clamp(0, 255).round().byte().permute(1, 2, 0)
    assert np.array_equal(out, expected.numpy()[..., ::-1])  # RGB -> BGR
    untouched = LRMTranslate(
        checkpoint, target, prob=0.0)(
            dict(img=img.copy()))
    assert untouched['lrm_applied'] is False
    assert np.array_equal(untouched['img'], img)


def test_transform_loads_lazily_and_pickles_without_the_model(
        translator_files):
    transform = LRMTranslate(*translator_files)
    assert transform._translator is None
    transform(dict(img=np.zeros((8, 8, 3), np.uint8)))
    assert transform._translator is not None
    assert set(transform._target_latents) == {(8, 8)}
    clone = pickle.loads(pickle.dumps(transform))
    assert clone._translator is None and clone._target_latents == {}


def test_transform_rejects_bad_input(translator_files, tmp_path):
    checkpoint, target = translator_files
    with pytest.raises(FileNotFoundError, match='checkpoint file not found'):
        LRMTranslate(str(tmp_path / 'none.pth'), target)
    with pytest.raises(FileNotFoundError, match='target image not found'):
        LRMTranslate(checkpoint, str(tmp_path / 'none.png'))
    (tmp_path / 'text.png').write_text('hello')
    with pytest.raises(ValueError, match='cannot be read as an image'):
        LRMTranslate(checkpoint, str(tmp_path / 'text.png'))
    with pytest.raises(ValueError, match=r'prob must be a number in \[0, 1\]'):
        LRMTranslate(checkpoint, target, prob=1.5)
    transform = LRMTranslate(checkpoint, target)
    with pytest.raises(TypeError, match="'f.png' is float32; expected uint8"):
        transform(dict(img=np.zeros((8, 8, 3), np.float32), img_path='f.png'))
    torch.save({'encoder.conv_in.weight': torch.zeros(1)},
               tmp_path / 'wrong.pth')
    with pytest.raises(ValueError, match='does not match the LRM translator'):
        LRMTranslate(str(tmp_path / 'wrong.pth'), target)(
            dict(img=np.zeros((8, 8, 3), np.uint8)))


def test_transform_in_an_mmseg_pipeline(translator_files, gta5_with_train_ids):
    gta5_root = gta5_with_train_ids
    init_default_scope('mmasm')
    checkpoint, target = translator_files
    dataset = DATASETS.build(
        dict(
            type='GTA5Dataset',
            data_root=str(gta5_root),
            data_prefix=dict(img_path='images', seg_map_path='labels'),
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(
                    type='LRMTranslate', checkpoint=checkpoint, target=target),
                dict(type='LoadAnnotations'),
                dict(type='PackSegInputs')
            ]))
    sample = dataset[0]
    original = cv2.imread(str(gta5_root / 'images' / '00001.png'))
    img = sample['inputs'].numpy().transpose(1, 2, 0)
    assert img.shape == original.shape
    assert not np.array_equal(img, original)
    assert sample['data_samples'].gt_sem_seg.data.shape[-2:] == \
        original.shape[:2]


@pytest.fixture
def gta5_with_train_ids(gta5_root):
    """The GTA5 fixture plus its train-id labels and a sub-folder."""
    return add_gta5_extras(gta5_root)


# -------------------------------------------------------------- configs --


def test_demo_segmentor_config_translates_its_training_images(
        translator_files, gta5_with_train_ids):
    from mmengine.config import Config
    checkpoint, target = translator_files
    cfg = Config.fromfile(str(REPO / 'configs/lrm/lrm_demo_segmentor.py'))
    dataset_cfg = cfg.train_dataloader.dataset
    (translate, ) = [
        t for t in dataset_cfg.pipeline if t['type'] == 'LRMTranslate'
    ]
    assert translate.checkpoint == cfg.lrm_translator
    assert dataset_cfg.pipeline.index(translate) == 1  # right after loading
    translate.update(checkpoint=checkpoint, target=target)
    dataset_cfg.data_root = str(gta5_with_train_ids)
    init_default_scope('mmasm')
    sample = DATASETS.build(dataset_cfg)[0]
    original = cv2.imread(str(gta5_with_train_ids / 'images' / '00001.png'))
    img = sample['inputs'].numpy().transpose(1, 2, 0)
    assert img.shape == original.shape
    assert not np.array_equal(img, original)
    assert not np.array_equal(img, original[:, ::-1])  # flipped or not


def test_potsdam_segmentor_config_reads_translated_potsdam():
    from mmengine.config import Config
    cfg = Config.fromfile(
        str(REPO /
            'configs/lrm/deeplabv3plus_r101-d8_lrm_potsdam-to-vaihingen-'
            '1shot.py'))
    train = cfg.train_dataloader.dataset
    assert (train.type,
            train.data_root) == ('PotsdamDataset',
                                 'data/potsdam_lrm-vaihingen-1shot')
    assert train.data_prefix.img_path == 'img_dir/train'
    for loader in (cfg.val_dataloader, cfg.test_dataloader):
        assert (loader.dataset.type,
                loader.dataset.data_root) == ('ISPRSDataset', 'data/vaihingen')
    assert cfg.model.decode_head.num_classes == 6

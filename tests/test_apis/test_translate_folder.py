"""translate_folder: a source dataset translated offline with a trained LRM
translator into the same layout (labels linked or copied), and
tools/translate.py around it."""
import cv2
import numpy as np
import pytest
from mmengine.registry import init_default_scope
from utils import add_gta5_extras, write_lrm_translator

from mmasm.apis import translate_folder
from mmasm.datasets.transforms import LRMTranslate
from mmasm.registry import DATASETS
from tools import translate as tool_translate

pytestmark = pytest.mark.usefixtures('one_torch_thread')


@pytest.fixture(scope='module')
def translator_files(tmp_path_factory):
    """A random translator checkpoint and a 40x24 target image."""
    return write_lrm_translator(tmp_path_factory.mktemp('lrm_translator'))


def gta5_dataset(root):
    """mmseg's view of a GTA5 folder: images and labels."""
    init_default_scope('mmasm')
    return DATASETS.build(
        dict(
            type='GTA5Dataset',
            data_root=str(root),
            data_prefix=dict(img_path='images', seg_map_path='labels'),
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='LoadAnnotations')
            ]))


def test_mirrors_the_dataset_as_the_transform_translates(
        translator_files, gta5_root, tmp_path):
    checkpoint, target = translator_files
    gta5_root = add_gta5_extras(gta5_root)
    out = tmp_path / 'gta5_lrm'
    images, others = translate_folder(checkpoint, target, str(gta5_root),
                                      str(out))
    assert images == [
        'images/00001.png', 'images/00002.png', 'images/00003.png',
        'images/00004.png', 'images/extra/00009.png'
    ]
    transform = LRMTranslate(checkpoint, target)
    for name in images:
        src = cv2.imread(str(gta5_root / name))
        dst = cv2.imread(str(out / name))
        assert np.array_equal(dst, transform(dict(img=src))['img'])
        assert not np.array_equal(dst, src)
        assert not (out / name).is_symlink()
    assert len(others) == 11  # 5 labels, 5 train-id labels, split.txt
    for name in others:
        assert (out / name).is_symlink()
        assert (out / name).resolve() == (gta5_root / name).resolve()
    # mmseg reads the translated copy as it reads the source
    translated, original = gta5_dataset(out), gta5_dataset(gta5_root)
    assert len(translated) == len(original) == 5
    for a, b in zip(translated, original):
        assert np.array_equal(a['gt_seg_map'], b['gt_seg_map'])
        assert a['img'].shape == b['img'].shape


def test_refuses_to_overwrite_unless_forced(translator_files, gta5_root,
                                            tmp_path):
    """(Labels as GTA5 ships them: whatever is there is copied.)"""
    checkpoint, target = translator_files
    out = tmp_path / 'out'
    out.mkdir()
    (out / 'keep.txt').write_text('mine')
    args = [checkpoint, target, str(gta5_root), str(out)]
    with pytest.raises(FileExistsError, match='not empty; pass --force'):
        translate_folder(*args)
    assert not (out / 'images').exists()
    translate_folder(*args, force=True, labels='copy')
    translate_folder(*args, force=True, labels='copy')  # again
    label = out / 'labels' / '00001.png'
    assert label.is_file() and not label.is_symlink()
    assert (out / 'keep.txt').read_text() == 'mine'


def test_rejects_bad_input_before_writing(translator_files, gta5_root,
                                          tmp_path):
    checkpoint, target = translator_files
    with pytest.raises(ValueError, match='lies inside SRC_DIR'):
        translate_folder(checkpoint, target, str(gta5_root),
                         str(gta5_root / 'translated'))
    with pytest.raises(FileNotFoundError, match='no image folder in'):
        translate_folder(checkpoint, target, str(gta5_root / 'labels'),
                         str(tmp_path / 'a'))
    with pytest.raises(FileNotFoundError, match="--img-dir 'RGB': no folder"):
        translate_folder(
            checkpoint,
            target,
            str(gta5_root),
            str(tmp_path / 'b'),
            img_dirs=['RGB'])
    with pytest.raises(FileNotFoundError, match='target image not found'):
        translate_folder(checkpoint, str(tmp_path / 'x.png'), str(gta5_root),
                         str(tmp_path / 'c'))
    with pytest.raises(ValueError, match='labels must be one of'):
        translate_folder(
            checkpoint,
            target,
            str(gta5_root),
            str(tmp_path / 'd'),
            labels='move')
    assert not any((tmp_path / d).exists() for d in 'abcd')


def test_tool_translates_a_bare_image_folder(translator_files, gta5_root,
                                             tmp_path, capsys):
    checkpoint, target = translator_files
    tool_translate.main([
        checkpoint, target,
        str(gta5_root / 'images'),
        str(tmp_path / 'o'), '--img-dir', '.', '--labels', 'copy'
    ])
    assert 'translating 4 images, copying 0 other files' in capsys.readouterr(
    ).out
    assert sorted(p.name for p in (tmp_path / 'o').iterdir()) == [
        f'0000{i}.png' for i in range(1, 5)
    ]

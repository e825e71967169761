"""Every dataset file a run reads is checked before the first iteration
(size, header, trailer): a zero-byte validation image and a PNG label cut
short after its header (which a header check lets through) stop the run
before training, both named in one error; JPEG, BMP and WebP files cut
short are named too."""
import cv2
import numpy as np
import pytest
from mmengine.runner import Runner
from utils import tiny_segformer_config

from mmasm.engine.hooks import DatasetFilesCheckHook
from mmasm.utils.image_files import image_file_problem


@pytest.mark.parametrize('ext', ['.png', '.jpg', '.bmp', '.webp'])
def test_cut_files_are_told_from_whole_ones(tmp_path, ext):
    image = np.random.default_rng(0).integers(0, 256, (40, 48, 3), np.uint8)
    path = tmp_path / f'image{ext}'
    assert cv2.imwrite(str(path), image)
    assert image_file_problem(str(path)) is None
    whole = path.read_bytes()
    path.write_bytes(whole[:len(whole) // 2])
    assert image_file_problem(str(path)).startswith('truncated')


def test_bad_files_stop_the_run_before_training(tmp_path, cityscapes_root):
    val_image = next((cityscapes_root / 'leftImg8bit' / 'val').rglob('*.png'))
    val_image.write_bytes(b'')
    label = next((cityscapes_root / 'gtFine' / 'train').rglob('*.png'))
    label.write_bytes(label.read_bytes()[:60])  # signature and IHDR, no IEND
    runner = Runner.from_cfg(
        tiny_segformer_config(cityscapes_root, tmp_path / 'work'))
    runner.register_hook(DatasetFilesCheckHook())
    with pytest.raises(ValueError) as error:
        runner.train()
    message = str(error.value)
    assert f'{label}: truncated PNG (no IEND chunk' in message
    assert f'{val_image}: empty (0 bytes)' in message
    assert runner.iter == 0
    assert not list((tmp_path / 'work').glob('*.pth'))


def test_a_file_that_fails_to_decode_is_named(tmp_path, cityscapes_root):
    """Header, IEND and size intact, compressed data garbled: the cheap
    checks pass, the read fails, and the error names the files."""
    for label in (cityscapes_root / 'gtFine' / 'train').rglob('*.png'):
        data = bytearray(label.read_bytes())
        data[41:-16] = b'\xff' * len(data[41:-16])  # IDAT's payload
        label.write_bytes(bytes(data))
    runner = Runner.from_cfg(
        tiny_segformer_config(cityscapes_root, tmp_path / 'work'))
    runner.register_hook(DatasetFilesCheckHook())
    with pytest.raises(
            RuntimeError,
            match=r'reading .*_leftImg8bit.png / '
            r'.*_gtFine_labelTrainIds.png: '):
        runner.train()
    assert runner.iter == 0

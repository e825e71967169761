"""Zero-byte and non-image files are named, and folders are checked when
they are listed (not when a random draw reaches the file mid-run): ASM's
target, ASH's and RAIN's style folders, ``tools/stylize.py`` inputs."""
import cv2
import numpy as np
import pytest

from mmasm.datasets import ImageFolderDataset
from mmasm.engine.hooks import ASMHook
from mmasm.models.hallucination.style_stream import StyleImageStream
from mmasm.utils import list_images, read_rgb
from tools import stylize


@pytest.fixture
def folder(tmp_path):
    """Two good images, a zero-byte ``.png`` in a subfolder and a text file
    named ``.jpg``."""
    root = tmp_path / 'styles'
    (root / 'sub').mkdir(parents=True)
    rng = np.random.default_rng(0)
    for name in ('a.png', 'b.jpg'):
        cv2.imwrite(
            str(root / name), rng.integers(0, 256, (20, 24, 3), np.uint8))
    (root / 'sub' / 'empty.png').write_bytes(b'')
    (root / 'notes.jpg').write_text('not an image')
    return root


def test_read_rgb_names_an_empty_file(folder):
    with pytest.raises(ValueError, match=r'empty\.png.*empty \(0 bytes\)'):
        read_rgb(folder / 'sub' / 'empty.png')


FOLDER_ERROR = r'2 of 4 image files in .*notes\.jpg: not an image.*empty\.png: empty \(0 bytes\)'


def test_folders_are_checked_when_listed(folder):
    with pytest.raises(ValueError, match=FOLDER_ERROR):
        list_images(folder)
    with pytest.raises(ValueError, match=f'ASH style images.*{FOLDER_ERROR}'):
        StyleImageStream(str(folder))
    dataset_error = FOLDER_ERROR.replace('in ',
                                         'in ImageFolderDataset folder ')
    with pytest.raises(ValueError, match=dataset_error):
        ImageFolderDataset(data_root=str(folder))
    with pytest.raises(ValueError, match=FOLDER_ERROR):  # before RAIN is read
        ASMHook('unused.pth', target=str(folder))
    with pytest.raises(ValueError, match=r'empty\.png.*0 bytes'):
        ASMHook('unused.pth', target=str(folder / 'sub' / 'empty.png'))
    with pytest.raises(ValueError, match=FOLDER_ERROR):  # before RAIN
        stylize.main(
            [str(folder), '--checkpoint', 'unused.pth', '--out',
             str(folder)])
    for bad in (folder / 'sub' / 'empty.png', folder / 'notes.jpg'):
        bad.unlink()
    assert len(list_images(folder)) == 2
    assert len(ImageFolderDataset(data_root=str(folder))) == 2

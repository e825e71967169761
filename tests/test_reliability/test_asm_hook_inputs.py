"""ASMHook refuses, when it is built, inputs that would fail late or
obscurely: a non-number ``step_size`` (named), and a huge one-shot target
encoded at its own size (``anchor_size=None``), which once asked RAIN's VGG
for 25.6 GB and died with a bare allocator error."""
import cv2
import numpy as np
import pytest
import torch

from mmasm.engine.hooks import ASMHook
from mmasm.models import RAIN

RAIN_CFG = dict(type='RAIN', vae_depth=2)


@pytest.fixture(scope='module')
def rain_checkpoint(tmp_path_factory):
    torch.manual_seed(0)
    path = str(tmp_path_factory.mktemp('rain') / 'rain.pth')
    torch.save(RAIN(vae_depth=2).state_dict(), path)
    return path


def test_non_numbers_are_named(rain_checkpoint, tmp_path):
    target = str(tmp_path / 'target.png')
    cv2.imwrite(target, np.zeros((16, 16, 3), np.uint8))
    for key, shown in (('step_size', 'step_size (beta)'),
                       ('search_depth', 'search_depth (n)'), ('render_scale',
                                                              'render_scale')):
        with pytest.raises(
                TypeError,
                match=rf'{re_escape(shown)} must be a number, '
                rf"got 'abc' \(str\)"):
            ASMHook(
                rain_checkpoint, target=target, rain=RAIN_CFG, **{key: 'abc'})
    with pytest.raises(
            ValueError, match=r"prob must be a number in \[0, 1\], got 'abc'"):
        ASMHook(rain_checkpoint, target=target, rain=RAIN_CFG, prob='abc')


def re_escape(text):
    return text.replace('(', r'\(').replace(')', r'\)')


def test_a_huge_target_at_its_own_size_is_refused(rain_checkpoint, tmp_path):
    target = str(tmp_path / 'huge.png')
    cv2.imwrite(target, np.zeros((2900, 2900, 3), np.uint8))  # 8.4 MPix
    with pytest.raises(
            ValueError,
            match=r'ASMHook target .*huge.png is 2900x2900 \(WxH\); '
            r'with anchor_size=None .* above the 8.4 MPix bound'):
        ASMHook(
            rain_checkpoint, target=target, rain=RAIN_CFG, anchor_size=None)
    with pytest.raises(ValueError, match=r'encode it at 4000x3000'):
        ASMHook(
            rain_checkpoint,
            target=target,
            rain=RAIN_CFG,
            anchor_size=(3000, 4000))
    hook = ASMHook(
        rain_checkpoint, target=target, rain=RAIN_CFG, anchor_size=(512, 1024))
    assert hook.anchor_size == (512, 1024)

"""The RGB [0, 1] -> BGR [0, 255] conversion of stylized images (ASMHook)."""
import pytest
import torch

from mmasm.utils import rgb01_to_bgr255


@pytest.mark.parametrize('clamp', [True, False])
def test_stylized_values_and_their_gradient(clamp):
    rgb = torch.tensor([-0.2, 0.5, 1.3]).view(1, 3, 1, 1).requires_grad_()
    bgr = rgb01_to_bgr255(rgb, clamp=clamp)
    raw = torch.tensor([1.3, 0.5, -0.2]) * 255
    expected = raw.clamp(0, 255) if clamp else raw
    torch.testing.assert_close(bgr.flatten(), expected)
    weights = torch.tensor([1.0, 2.0, 3.0]).view(1, 3, 1, 1)
    (bgr * weights).sum().backward()
    # both paths pass the gradient through every pixel, clamped or not
    torch.testing.assert_close(rgb.grad.flatten(),
                               torch.tensor([3.0, 2.0, 1.0]) * 255)


def test_clamp_without_gradient_is_plain():
    rgb = torch.tensor([-0.2, 0.5, 1.3]).view(1, 3, 1, 1)
    bgr = rgb01_to_bgr255(rgb)
    assert not bgr.requires_grad
    torch.testing.assert_close(bgr.flatten(), torch.tensor([255.0, 127.5,
                                                            0.0]))
    assert rgb.min() < 0  # the input is left alone

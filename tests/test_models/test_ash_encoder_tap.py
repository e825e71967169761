"""ASH over a RAIN with a shallower encoder tap (the demo's candidates): the
conditioning net's gamma / beta take the tap's width."""
import pytest
import torch

from mmasm.models.hallucination import ASHStyleHallucinator

pytestmark = pytest.mark.usefixtures('one_torch_thread')


@pytest.mark.parametrize('tap, channels', [('relu2_1', 128), ('relu4_1', 512)])
def test_ash_renders_with_the_rains_feature_width(tap, channels):
    torch.manual_seed(0)
    ash = ASHStyleHallucinator(5, rain=dict(type='RAIN', encoder_tap=tap))
    assert ash.conditioning_net.scale_head[-1].out_channels == channels
    assert ash.conditioning_net.shift_head[-1].out_channels == channels
    content, style = torch.rand(2, 3, 32, 48), torch.rand(2, 3, 32, 48)
    out = ash(content, style, torch.randn(2, 5, 32, 48),
              torch.Generator().manual_seed(0))
    assert out.stylized.shape == (2, 3, 32, 48)
    assert torch.isfinite(out.stylized).all()

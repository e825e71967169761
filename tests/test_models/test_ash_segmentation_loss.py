"""ASH's segmentation-loss variant (``adversary='segmentation'``) in
mmengine's Runner on the tiny SegFormer: the conditioning net plays against
G's segmentation loss, G learns the renderings, the discriminator is
never used."""
import numpy as np
import pytest
import torch
from ash_setup import NETWORKS, ash_cfg, cloned_state, plain_gradient_step
from mmengine.runner import Runner

pytestmark = pytest.mark.usefixtures('one_torch_thread')


def test_segmentation_adversary_trains_without_the_discriminator(
        tmp_path, ash_files):
    runner = Runner.from_cfg(
        ash_cfg(
            tmp_path / 'work',
            ash_files,
            adversary='segmentation',
            ash_adv_weight=1.0))
    model = runner.model
    initial = {name: cloned_state(getattr(model, name)) for name in NETWORKS}
    runner.train()
    for name in NETWORKS:
        same = all(
            torch.equal(v, initial[name][k])
            for k, v in getattr(model, name).state_dict().items())
        assert same == (name == 'discriminator'), name
    hub = runner.message_hub
    scalars = {
        k: hub.get_scalar(f'train/{k}').current()
        for k in ('loss', 'decode.loss_ce', 'sty.decode.loss_ce', 'ash_adv')
    }
    assert all(np.isfinite(v) for v in scalars.values())
    # G's loss: source plus rendered images' segmentation loss, no BCE term
    assert scalars['loss'] == pytest.approx(scalars['decode.loss_ce'] +
                                            scalars['sty.decode.loss_ce'])
    assert 'train/disc_loss' not in hub.log_scalars
    assert 'train/loss_ash_adv' not in hub.log_scalars


def test_unknown_adversary_is_refused(tmp_path, ash_files):
    with pytest.raises(ValueError, match='adversary'):
        Runner.from_cfg(
            ash_cfg(tmp_path / 'work', ash_files, adversary='critic'))


def test_conditioning_step_raises_the_segmentation_loss(ash_inputs):
    """Update 1 against G's segmentation loss of the rendering: one plain
    gradient step raises that loss by the first-order amount."""
    model = ash_inputs['model']
    model.adversary, model.content_weight, model.style_weight = (
        'segmentation', 0.0, 0.0)
    segmentor = cloned_state(model.segmentor)
    before, after = plain_gradient_step(ash_inputs, 1e-4)
    assert after['adv'].item() - before['adv'].item() == pytest.approx(
        1e-4, rel=0.5)
    for key, value in cloned_state(model.segmentor).items():
        assert torch.equal(value, segmentor[key]), key

"""ParameterDriftHook in mmengine's Runner: the logged drift is the relative
distance of the trained weights from the initial ones."""
import json
from pathlib import Path

import pytest
import torch
import torch.nn as nn
from mmengine.config import Config
from mmengine.model import BaseModel
from mmengine.runner import Runner
from utils import REPO_ROOT, save_random_rain

from mmasm.demo import demo_config, make_demo_domains
from mmasm.engine.hooks import ParameterDriftHook
from mmasm.engine.hooks.parameter_drift_hook import submodule
from mmasm.registry import MODELS
from mmasm.utils import build_module

pytestmark = pytest.mark.usefixtures('one_torch_thread')


class TwoLayers(BaseModel):
    """``head(body(x))``, an L2 loss to the target."""

    def __init__(self):
        super().__init__()
        self.body = nn.Linear(4, 8)
        self.head = nn.Linear(8, 1)

    def forward(self, inputs, targets, mode='loss'):
        inputs, targets = torch.stack(inputs), torch.stack(targets)
        return dict(loss=((self.head(self.body(inputs)) - targets)**2).mean())


class ZeroLoss(TwoLayers):
    """A loss with zero gradient: only weight decay moves the weights."""

    def forward(self, inputs, targets, mode='loss'):
        return dict(loss=sum(p.sum() for p in self.parameters()) * 0.0)


def samples(n=8):
    gen = torch.Generator().manual_seed(0)
    return [
        dict(
            inputs=torch.randn(4, generator=gen),
            targets=torch.randn(1, generator=gen)) for _ in range(n)
    ]


def drift_records(work_dir):
    (path, ) = Path(work_dir).glob('*/vis_data/scalars.json')
    records = [json.loads(line) for line in path.read_text().splitlines()]
    return {
        r['step']: r
        for r in records if any(k.startswith('drift/') for k in r)
    }


def test_drift_is_the_relative_update_norm_of_each_module(tmp_path):
    torch.manual_seed(0)
    model = TwoLayers()
    start = {k: v.detach().clone() for k, v in model.state_dict().items()}
    runner = Runner(
        model=model,
        work_dir=str(tmp_path),
        experiment_name=tmp_path.name,  # apart from earlier runners
        default_scope='mmasm',
        train_dataloader=dict(
            dataset=samples(),
            sampler=dict(type='DefaultSampler', shuffle=False),
            collate_fn=dict(type='pseudo_collate'),
            batch_size=2),
        train_cfg=dict(by_epoch=False, max_iters=5),
        # the head does not move: lr x 0
        optim_wrapper=dict(
            optimizer=dict(type='SGD', lr=0.5),
            paramwise_cfg=dict(custom_keys={'head': dict(lr_mult=0.0)})),
        custom_hooks=[
            dict(
                type='ParameterDriftHook',
                interval=2,
                modules=dict(body='body', head='head', all=''))
        ],
        default_hooks=dict(
            logger=dict(type='LoggerHook', interval=1), checkpoint=None),
        visualizer=dict(
            type='Visualizer', vis_backends=[dict(type='LocalVisBackend')]))
    runner.train()
    records = drift_records(tmp_path)
    assert sorted(records) == [2, 4,
                               5]  # every 2 iterations and after the last
    body_start = torch.cat(
        [start['body.weight'].flatten(), start['body.bias']]).double()
    body_now = torch.cat([model.body.weight.flatten(),
                          model.body.bias]).detach().double()
    expected = ((body_now - body_start).norm() / body_start.norm()).item()
    assert expected > 1e-3
    assert records[5]['drift/body'] == pytest.approx(expected, rel=1e-6)
    assert records[5]['drift/head'] == 0.0
    assert 0 < records[5]['drift/all'] < records[5]['drift/body']
    assert records[2]['drift/body'] < records[5]['drift/body']
    # gradient steps move the body off theta_0's axis; the head does not move
    assert 0 < records[5]['drift_off_axis/body'] <= records[5]['drift/body']
    assert records[5]['drift_off_axis/head'] == 0.0


def test_weight_decay_alone_moves_only_along_the_initial_weights(tmp_path):
    """Zero loss gradient, SGD weight decay: theta shrinks along theta_0, so
    the drift is the shrinkage and the off-axis drift is 0."""
    torch.manual_seed(0)
    model = ZeroLoss()
    runner = Runner(
        model=model,
        work_dir=str(tmp_path),
        experiment_name=tmp_path.name,  # apart from earlier runners
        default_scope='mmasm',
        train_dataloader=dict(
            dataset=samples(),
            sampler=dict(type='DefaultSampler', shuffle=False),
            collate_fn=dict(type='pseudo_collate'),
            batch_size=2),
        train_cfg=dict(by_epoch=False, max_iters=3),
        optim_wrapper=dict(
            optimizer=dict(type='SGD', lr=0.1, weight_decay=0.5)),
        custom_hooks=[
            dict(type='ParameterDriftHook', interval=3, modules=dict(all=''))
        ],
        default_hooks=dict(
            logger=dict(type='LoggerHook', interval=1), checkpoint=None),
        visualizer=dict(
            type='Visualizer', vis_backends=[dict(type='LocalVisBackend')]))
    runner.train()
    (record, ) = drift_records(tmp_path).values()
    assert record['drift/all'] == pytest.approx(
        1 - (1 - 0.1 * 0.5)**3, rel=1e-5)
    assert record['drift_off_axis/all'] < 1e-6


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match='at least one module'):
        ParameterDriftHook(modules={})
    with pytest.raises(ValueError, match='interval must be >= 1'):
        ParameterDriftHook(modules=dict(a=''), interval=0)


def test_ash_drift_config_follows_the_conditioning_net_and_the_segmentor(
        tmp_path):
    """configs/ash/ash_demo-drift.py: ash_demo.py plus the hook, whose paths
    name ASH's only trained hallucinator part and its segmentor."""
    drift_cfg = Config.fromfile(REPO_ROOT / 'configs' / 'ash' /
                                'ash_demo-drift.py')
    plain_cfg = Config.fromfile(REPO_ROOT / 'configs' / 'ash' / 'ash_demo.py')
    (hook, ) = drift_cfg.pop('custom_hooks')
    assert drift_cfg.to_dict() == {
        k: v
        for k, v in plain_cfg.to_dict().items() if k != 'custom_hooks'
    }
    make_demo_domains(
        str(tmp_path / 'demo'),
        num_source=2,
        num_target_train=1,
        num_target_val=1,
        size=(64, 32))
    save_random_rain(tmp_path / 'rain.pth')
    ash = build_module(
        demo_config(
            'ash', str(tmp_path / 'demo'), str(tmp_path / 'rain.pth'),
            'leftImg8bit/train/demo/demo_000000_000019_leftImg8bit.png',
            0).model, MODELS)
    followed = {
        name: submodule(ash, path)
        for name, path in hook['modules'].items()
    }
    assert followed['hallucinator'] is ash.hallucinator.conditioning_net
    assert followed['segmentor'] is ash.segmentor
    trained = {id(p) for p in ash.hallucinator.parameters() if p.requires_grad}
    assert trained == {id(p) for p in followed['hallucinator'].parameters()}
    with pytest.raises(AttributeError, match="ASH has no 'generator'"):
        submodule(ash, 'generator.net')

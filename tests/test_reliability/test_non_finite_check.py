"""NonFiniteCheckHook in a real mmengine Runner: a finite loss whose
gradient is NaN (sqrt at 0) stops the run after the step that made the
weights NaN, naming the iteration and the parameter, and no checkpoint is
written; NaN metrics (``acc_seg`` of a crop of ignored pixels) do not stop
it; a checkpoint holding NaN is refused."""
import pytest
import torch
from mmengine.model import BaseModel
from mmengine.runner import Runner
from torch import nn
from torch.utils.data import DataLoader

from mmasm.engine.hooks import NonFiniteCheckHook


class SqrtOfW(BaseModel):
    """``loss = sqrt(w * gate)``: finite (0) at ``w = 0``; its gradient is
    NaN where ``gate`` is 0."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(1))

    def forward(self, inputs, data_samples=None, mode='loss'):
        return dict(loss=torch.sqrt(self.w * inputs.mean()).sum())


def runner_for(tmp_path, gate, max_iters=3):
    data = DataLoader([dict(inputs=torch.full((1, ), gate))] * 4, batch_size=1)
    return Runner(
        model=SqrtOfW(),
        work_dir=str(tmp_path),
        experiment_name=tmp_path.name,  # apart from earlier runners
        train_dataloader=data,
        train_cfg=dict(by_epoch=False, max_iters=max_iters),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
        default_hooks=dict(
            checkpoint=dict(type='CheckpointHook', interval=1,
                            by_epoch=False)),
        custom_hooks=[NonFiniteCheckHook()])


def test_nan_gradient_stops_before_a_checkpoint(tmp_path):
    runner = runner_for(tmp_path, gate=0.0)
    with pytest.raises(
            FloatingPointError,
            match=r'iteration 1: non-finite weights after the optimizer '
            r'step \(w\)'):
        runner.train()
    assert not list(tmp_path.glob('*.pth'))


def test_nan_metrics_pass_and_nan_checkpoints_are_refused(tmp_path):
    runner = runner_for(tmp_path / 'ok', gate=1.0, max_iters=1)
    with torch.no_grad():
        runner.model.w.fill_(1.0)  # sqrt is smooth at 1
    runner.train()
    hook = NonFiniteCheckHook()
    hook.after_train_iter(
        runner,
        0,
        outputs=dict(
            loss=torch.tensor(0.5), acc_seg=torch.tensor(float('nan'))))
    with pytest.raises(
            FloatingPointError, match=r'non-finite loss terms \(loss=inf\)'):
        hook.after_train_iter(
            runner, 0, outputs=dict(loss=torch.tensor(float('inf'))))
    with pytest.raises(
            FloatingPointError,
            match=r'refusing to save.*non-finite tensors w'):
        hook.before_save_checkpoint(
            runner, dict(state_dict=dict(w=torch.tensor([float('nan')]))))

"""InverseDecayLR: lr / (1 + gamma * t), the RAIN pretraining schedule."""
import pytest
import torch
from mmengine.optim import OptimWrapper
from mmengine.optim.scheduler import ConstantLR

from mmasm.engine.schedulers import InverseDecayLR
from mmasm.registry import PARAM_SCHEDULERS


def make_optimizer(lr=0.1):
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=lr)


def run(scheduler, optimizer, steps):
    lrs = []
    for _ in range(steps):
        lrs.append(optimizer.param_groups[0]['lr'])
        optimizer.step()
        scheduler.step()
    return lrs


def test_values_follow_inverse_time_decay():
    optimizer = make_optimizer(0.1)
    scheduler = InverseDecayLR(optimizer, gamma=0.25, by_epoch=False)
    lrs = run(scheduler, optimizer, 40)
    assert lrs == pytest.approx([0.1 / (1 + 0.25 * t) for t in range(40)],
                                rel=1e-12)


def test_authors_rate_built_from_the_mmseg_registry():
    optim_wrapper = OptimWrapper(make_optimizer(1e-4))
    scheduler = PARAM_SCHEDULERS.build(
        dict(type='InverseDecayLR', gamma=5e-5, by_epoch=False),
        default_args=dict(optimizer=optim_wrapper))
    lrs = run(scheduler, optim_wrapper, 3)
    assert lrs == pytest.approx([1e-4, 1e-4 / 1.00005, 1e-4 / 1.0001],
                                rel=1e-12)


def test_begin_and_end():
    optimizer = make_optimizer(1.0)
    scheduler = InverseDecayLR(
        optimizer, gamma=0.5, begin=3, end=7, by_epoch=False)
    decayed = [1 / (1 + 0.5 * t) for t in range(4)]
    assert run(scheduler, optimizer, 10) == pytest.approx(
        [1.0] * 3 + decayed + [decayed[-1]] * 3, rel=1e-12)


def test_chains_with_other_schedulers():
    """The chainable form multiplies with another scheduler's factor."""
    optimizer = make_optimizer(1.0)
    # ConstantLR applies its factor for end - begin - 1 steps
    halve = ConstantLR(optimizer, factor=0.5, end=3, by_epoch=False)
    decay = InverseDecayLR(optimizer, gamma=0.5, by_epoch=False)
    lrs = []
    for _ in range(6):
        lrs.append(optimizer.param_groups[0]['lr'])
        optimizer.step()
        halve.step()
        decay.step()
    assert lrs == pytest.approx([(0.5 if t < 2 else 1.0) / (1 + 0.5 * t)
                                 for t in range(6)],
                                rel=1e-12)


def test_state_dict_resumes_the_schedule():
    optimizer = make_optimizer(0.1)
    scheduler = InverseDecayLR(optimizer, gamma=0.1, by_epoch=False)
    run(scheduler, optimizer, 5)
    state = scheduler.state_dict()
    resumed_opt = make_optimizer(0.1)
    resumed_opt.load_state_dict(optimizer.state_dict())
    resumed = InverseDecayLR(resumed_opt, gamma=0.1, by_epoch=False)
    resumed.load_state_dict(state)
    assert run(resumed, resumed_opt,
               3) == pytest.approx([0.1 / (1 + 0.1 * t) for t in range(5, 8)],
                                   rel=1e-12)


def test_negative_gamma_is_rejected():
    with pytest.raises(ValueError, match='gamma must be >= 0'):
        InverseDecayLR(make_optimizer(), gamma=-1.0)

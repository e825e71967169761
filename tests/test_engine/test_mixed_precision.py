"""bfloat16 mixed precision on CPU (``BF16OptimWrapper``, ``tools/train.py
--amp`` without a GPU) and channels_last training (``ChannelsLastHook``)."""
import argparse

import pytest
import torch
from torch import nn
from utils import write_cityscapes, write_tiny_segformer_config

from mmasm.engine.optimizers import BF16OptimWrapper
from mmasm.utils import amp_device_available, build_runner, tool_config

NUM_ITERS = 2


def tiny_net():
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 4, 1))


def test_bf16_wrapper_runs_the_forward_in_bfloat16_and_keeps_float32_weights():
    images = torch.randn(
        2, 3, 16, 16, generator=torch.Generator().manual_seed(1))
    labels = torch.randint(
        0, 4, (2, 16, 16), generator=torch.Generator().manual_seed(2))
    reference = tiny_net()
    nn.functional.cross_entropy(reference(images), labels).backward()
    model = tiny_net()
    wrapper = BF16OptimWrapper(
        optimizer=torch.optim.SGD(model.parameters(), lr=0.1))
    before = [p.detach().clone() for p in model.parameters()]
    with wrapper.optim_context(model):
        logits = model(images)
        loss = nn.functional.cross_entropy(logits, labels)
    assert logits.dtype == torch.bfloat16
    loss.backward()
    for param, ref in zip(model.parameters(), reference.parameters()):
        assert param.grad.dtype == torch.float32
        # bf16 rounding, same direction as the float32 gradient
        cosine = nn.functional.cosine_similarity(param.grad.flatten(),
                                                 ref.grad.flatten(), 0)
        assert cosine > 0.99
    wrapper.step()
    assert all(p.dtype == torch.float32 and not torch.equal(p, b)
               for p, b in zip(model.parameters(), before))


def train_tiny_segformer(root, name, *, amp=False, extra=''):
    """Train the tiny SegFormer NUM_ITERS iterations in this process through
    tools/train.py's config path; return the runner and the initial state."""
    config = write_tiny_segformer_config(
        root / f'{name}.py', root / 'cityscapes',
        f'train_cfg = dict(max_iters={NUM_ITERS}, val_interval=1000)\n'
        'randomness = dict(seed=0)\n' + extra)
    args = argparse.Namespace(
        config=str(config),
        cfg_options=None,
        resume=False,
        work_dir=str(root / name),
        amp=amp,
        launcher='none')
    runner = build_runner(tool_config(args))
    initial = {
        k: v.detach().clone()
        for k, v in runner.model.state_dict().items()
    }
    runner.train()
    return runner, initial


@pytest.fixture(scope='module')
def tiny_cityscapes(tmp_path_factory):
    root = tmp_path_factory.mktemp('mixed_precision')
    write_cityscapes(root / 'cityscapes', 'train', num_images=2, seed=0)
    write_cityscapes(root / 'cityscapes', 'val', num_images=1, seed=1)
    return root


@pytest.fixture(scope='module')
def float32_run(tiny_cityscapes):
    return train_tiny_segformer(tiny_cityscapes, 'plain')


def conv_weights(model):
    return [p for p in model.parameters() if p.dim() == 4 and p.shape[-1] > 1]


def update(runner, initial):
    """All parameters' change over training, flattened."""
    return torch.cat([(p.detach() - initial[k]).flatten().float()
                      for k, p in runner.model.named_parameters()])


def test_channels_last_hook_trains_nhwc_with_the_same_math(
        tiny_cityscapes, float32_run):
    plain, initial = float32_run
    nhwc, _ = train_tiny_segformer(
        tiny_cityscapes,
        'nhwc',
        extra="custom_hooks = [dict(type='ChannelsLastHook')]\n")
    assert update(plain, initial).abs().max() > 0
    nhwc_state = nhwc.model.state_dict()
    for name, value in plain.model.state_dict().items():
        torch.testing.assert_close(
            nhwc_state[name], value, rtol=1e-5, atol=1e-6, msg=name)
    assert all(
        w.is_contiguous(memory_format=torch.channels_last)
        for w in conv_weights(nhwc.model))
    assert not all(
        w.is_contiguous(memory_format=torch.channels_last)
        for w in conv_weights(plain.model))


@pytest.mark.skipif(amp_device_available(), reason='needs a GPU-less machine')
def test_amp_flag_on_cpu_trains_in_bfloat16_channels_last(
        tiny_cityscapes, float32_run):
    runner, initial = train_tiny_segformer(tiny_cityscapes, 'amp', amp=True)
    assert type(runner.optim_wrapper).__name__ == 'BF16OptimWrapper'
    assert 'ChannelsLastHook' in {type(h).__name__ for h in runner.hooks}
    assert all(
        w.is_contiguous(memory_format=torch.channels_last)
        for w in conv_weights(runner.model))
    bf16_update, fp32_update = update(runner, initial), update(*float32_run)
    # rounded activations: not the float32 run, but the same way
    assert not torch.equal(bf16_update, fp32_update)
    assert torch.nn.functional.cosine_similarity(bf16_update, fp32_update,
                                                 0) > 0.9

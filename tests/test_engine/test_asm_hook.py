"""ASMHook inside mmengine's real Runner on a tiny mmseg segmentor."""
import copy
import glob

import cv2
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.runner import Runner
from utils import write_cityscapes

import mmasm  # noqa: F401
from mmasm.engine.hooks import ASMHook
from mmasm.models import RAIN
from mmasm.utils import load_tensor_file, read_rgb


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    root = tmp_path_factory.mktemp('cityscapes')
    write_cityscapes(root, 'train', num_images=4)
    return str(root)


@pytest.fixture(scope='module')
def rain_checkpoint(tmp_path_factory):
    torch.manual_seed(0)
    path = str(tmp_path_factory.mktemp('rain') / 'rain.pth')
    torch.save(RAIN(vae_depth=2).state_dict(), path)
    return path


def tiny_cfg(work_dir, data_root, rain_checkpoint, max_iters=2, **hook_kwargs):
    target = glob.glob(f'{data_root}/leftImg8bit/train/*/*.png')[0]
    hook = dict(
        type='ASMHook',
        rain_checkpoint=rain_checkpoint,
        target=target,
        rain=dict(type='RAIN', vae_depth=2),
        vis_interval=1)
    hook.update(hook_kwargs)
    return Config(
        dict(
            default_scope='mmasm',
            work_dir=work_dir,
            model=dict(
                type='EncoderDecoder',
                data_preprocessor=dict(
                    type='SegDataPreProcessor',
                    mean=[123.7, 116.3, 103.5],
                    std=[58.4, 57.1, 57.4],
                    bgr_to_rgb=True,
                    size=(32, 64)),
                backbone=dict(
                    type='ResNetV1c',
                    depth=18,
                    stem_channels=8,
                    base_channels=8,
                    out_indices=(3, ),
                    norm_cfg=dict(type='BN')),
                decode_head=dict(
                    type='FCNHead',
                    in_channels=64,
                    channels=8,
                    num_convs=1,
                    num_classes=19,
                    in_index=0,
                    dropout_ratio=0.0,
                    loss_decode=dict(type='CrossEntropyLoss',
                                     loss_weight=1.0))),
            train_dataloader=dict(
                batch_size=2,
                num_workers=0,
                sampler=dict(type='InfiniteSampler', shuffle=True),
                dataset=dict(
                    type='CityscapesDataset',
                    data_root=data_root,
                    data_prefix=dict(
                        img_path='leftImg8bit/train',
                        seg_map_path='gtFine/train'),
                    pipeline=[
                        dict(type='LoadImageFromFile'),
                        dict(type='LoadAnnotations'),
                        dict(type='PackSegInputs')
                    ])),
            train_cfg=dict(type='IterBasedTrainLoop', max_iters=max_iters),
            optim_wrapper=dict(
                type='OptimWrapper', optimizer=dict(type='SGD', lr=0.01)),
            custom_hooks=[hook],
            default_hooks=dict(
                logger=dict(type='LoggerHook', interval=1),
                checkpoint=dict(
                    type='CheckpointHook', interval=2, by_epoch=False)),
            visualizer=dict(
                type='SegLocalVisualizer',
                vis_backends=[dict(type='LocalVisBackend')]),
            randomness=dict(seed=0, deterministic=True),
            log_level='WARNING'))


def asm_hook(runner):
    return next(h for h in runner.hooks if isinstance(h, ASMHook))


def count_train_steps(runner):
    """Wrap the model's train_step to record each batch it trains on."""
    batches = []
    original = runner.model.train_step

    def train_step(data, optim_wrapper):
        batches.append(copy.copy(data))
        return original(data, optim_wrapper)

    runner.model.train_step = train_step
    return batches


def test_each_iteration_makes_search_depth_steps_on_stylized_images(
        tmp_path, data_root, rain_checkpoint):
    runner = Runner.from_cfg(
        tiny_cfg(str(tmp_path), data_root, rain_checkpoint, search_depth=3))
    batches = count_train_steps(runner)
    runner.train()
    assert len(batches) == 2 * 3
    for batch in batches:
        assert all(img.dtype == torch.float32 for img in batch['inputs'])
        assert [s.content_id for s in batch['data_samples']] == [0, 1]
    hub = runner.message_hub
    for depth in range(3):
        assert np.isfinite(
            hub.get_scalar(f'train/asm_loss_depth{depth}').current())
    assert hub.get_scalar('train/asm_step_norm').current() > 0
    assert hub.get_scalar('train/asm_anchor_distance').current() > 0
    assert glob.glob(f'{tmp_path}/*/vis_data/vis_image/asm_search_*.png')


def test_first_steps_carry_the_gradient_to_eps(tmp_path, data_root,
                                               rain_checkpoint):
    runner = Runner.from_cfg(
        tiny_cfg(
            str(tmp_path),
            data_root,
            rain_checkpoint,
            max_iters=1,
            step_rule='l2',
            step_size=0.25))
    batches = count_train_steps(runner)
    runner.train()
    first, last = batches
    assert all(img.requires_grad for img in first['inputs'])
    assert not any(img.requires_grad for img in last['inputs'])
    # 'l2' moves each code by exactly step_size, so the gradient was non-zero.
    assert runner.message_hub.get_scalar(
        'train/asm_step_norm').current() == pytest.approx(0.25)


def test_keep_source_trains_stylized_and_source_together(
        tmp_path, data_root, rain_checkpoint):
    runner = Runner.from_cfg(
        tiny_cfg(
            str(tmp_path),
            data_root,
            rain_checkpoint,
            max_iters=1,
            keep_source=True))
    batches = count_train_steps(runner)
    runner.train()
    for batch in batches:
        assert [s.content_id for s in batch['data_samples']] == [0, 1, 0, 1]
        assert [img.dtype for img in batch['inputs'][2:]] == [torch.uint8] * 2


def test_prob_zero_leaves_the_source_batch_alone(tmp_path, data_root,
                                                 rain_checkpoint):
    runner = Runner.from_cfg(
        tiny_cfg(str(tmp_path), data_root, rain_checkpoint, prob=0.0))
    batches = count_train_steps(runner)
    runner.train()
    assert len(batches) == 2
    assert all(img.dtype == torch.uint8 for b in batches
               for img in b['inputs'])


def final_weights(runner):
    return {k: v.clone() for k, v in runner.model.state_dict().items()}


def test_resume_reproduces_an_uninterrupted_run(tmp_path, data_root,
                                                rain_checkpoint):
    full = Runner.from_cfg(
        tiny_cfg(
            str(tmp_path / 'full'), data_root, rain_checkpoint, max_iters=4))
    full.train()
    half_cfg = tiny_cfg(
        str(tmp_path / 'half'), data_root, rain_checkpoint, max_iters=2)
    Runner.from_cfg(half_cfg).train()
    resumed_cfg = tiny_cfg(
        str(tmp_path / 'half'), data_root, rain_checkpoint, max_iters=4)
    resumed_cfg.resume = True
    resumed_cfg.load_from = str(tmp_path / 'half' / 'iter_2.pth')
    resumed = Runner.from_cfg(resumed_cfg)
    resumed.train()
    assert asm_hook(resumed).num_resampled == asm_hook(full).num_resampled
    expected, actual = final_weights(full), final_weights(resumed)
    for key in expected:
        torch.testing.assert_close(
            actual[key], expected[key], rtol=0, atol=1e-6, msg=key)


def test_checkpoint_holds_the_hook_state(tmp_path, data_root, rain_checkpoint):
    runner = Runner.from_cfg(
        tiny_cfg(str(tmp_path), data_root, rain_checkpoint))
    runner.train()
    # the random streams are re-seeded per iteration and rank: no state
    checkpoint = load_tensor_file(str(tmp_path / 'iter_2.pth'))
    assert checkpoint['asm_hook'] == dict(
        num_resampled=asm_hook(runner).num_resampled)


def test_bad_input_fails_when_the_hook_is_built(tmp_path, data_root,
                                                rain_checkpoint):
    target = glob.glob(f'{data_root}/leftImg8bit/train/*/*.png')[0]
    rain = dict(type='RAIN', vae_depth=2)
    with pytest.raises(FileNotFoundError, match='missing.png'):
        ASMHook(
            rain_checkpoint, target=str(tmp_path / 'missing.png'), rain=rain)
    (tmp_path / 'broken.png').write_bytes(b'not a png')
    with pytest.raises(ValueError, match='broken.png'):
        ASMHook(
            rain_checkpoint, target=str(tmp_path / 'broken.png'), rain=rain)
    with pytest.raises(FileNotFoundError, match='nowhere.pth'):
        ASMHook(str(tmp_path / 'nowhere.pth'), target=target, rain=rain)
    with pytest.raises(ValueError, match='search_depth'):
        ASMHook(rain_checkpoint, target=target, rain=rain, search_depth=0)
    with pytest.raises(ValueError, match='step_size'):
        ASMHook(
            rain_checkpoint, target=target, rain=rain, step_size=float('nan'))
    with pytest.raises(ValueError, match='target'):
        ASMHook(rain_checkpoint, target=None, rain=rain)


def write_target(path, size=(64, 128), seed=3):
    """A target image larger than the source crops (the authors' 2048x1024
    target vs 1024x512 crops, scaled down)."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (8, 16, 3), dtype=np.uint8)
    cv2.imwrite(
        str(path),
        cv2.resize(small, size[::-1], interpolation=cv2.INTER_CUBIC))
    return str(path)


def encode_resized(rain, path, size):
    """The reference anchor: resize (antialiased bicubic, clipped), then encode."""
    image = read_rgb(path)[None]
    if size is not None:
        image = F.interpolate(
            image, size, mode='bicubic', align_corners=False,
            antialias=True).clamp(0, 1)
    with torch.no_grad():
        return rain.anchor(image.contiguous())


def test_anchor_is_encoded_at_the_crop_size(tmp_path, data_root,
                                            rain_checkpoint):
    target = write_target(tmp_path / 'target.png')
    runner = Runner.from_cfg(
        tiny_cfg(
            str(tmp_path),
            data_root,
            rain_checkpoint,
            max_iters=1,
            target=target))
    runner.train()
    hook = asm_hook(runner)
    rain = RAIN(vae_depth=2)
    rain.load_state_dict(load_tensor_file(rain_checkpoint))
    psi, xi = encode_resized(rain, target, (32, 64))  # the crops' size
    torch.testing.assert_close(hook.mining.anchor_mean, psi, rtol=0, atol=1e-5)
    torch.testing.assert_close(hook.mining.anchor_std, xi, rtol=0, atol=1e-5)
    native, _ = encode_resized(rain, target, None)
    assert (native - psi).norm() / psi.norm() > 1e-3
    fixed = ASMHook(
        rain_checkpoint,
        target,
        rain=dict(type='RAIN', vae_depth=2),
        anchor_size=(48, 96))
    fixed.update_anchor((32, 64))  # a fixed size ignores the crops
    torch.testing.assert_close(
        fixed.mining.anchor_mean,
        encode_resized(rain, target, (48, 96))[0],
        rtol=0,
        atol=1e-5)
    with pytest.raises(ValueError, match='anchor_size'):
        ASMHook(rain_checkpoint, target, anchor_size=(48, ))


@pytest.mark.parametrize('clamp', [True, False])
def test_clamp_switch_on_the_stylized_batch(tmp_path, data_root,
                                            rain_checkpoint, clamp):
    runner = Runner.from_cfg(
        tiny_cfg(
            str(tmp_path),
            data_root,
            rain_checkpoint,
            max_iters=1,
            clamp_stylized=clamp))
    batches = count_train_steps(runner)
    runner.train()
    images = torch.stack(batches[0]['inputs'])
    assert images.requires_grad  # the first step's images carry eps's gradient
    if clamp:
        assert images.min() >= 0 and images.max() <= 255
    else:  # this random RAIN's raw output leaves [0, 1]
        assert images.min() < 0

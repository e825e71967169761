"""Loading mmasm RAIN checkpoints: plain state dicts and Runner checkpoints."""
import glob

import pytest
import torch
import torch.nn as nn
from mmengine.model import BaseModel
from mmengine.runner import Runner
from torch.utils.data import Dataset

from mmasm.models.rain import RAIN, load_rain_checkpoint
from mmasm.models.rain.checkpoint import rain_state_dict_from_file
from mmasm.models.rain.convert import export_runner_checkpoint
from mmasm.registry import MODELS


class TinyRAINTrainer(BaseModel):
    """A Runner model holding the generator under ``rain``, as RAIN
    pretraining does; its loss only touches the style VAE decoder."""

    def __init__(self):
        super().__init__()
        self.rain = RAIN()
        self.loss_scale = nn.Parameter(torch.ones(1))

    def forward(self, inputs, data_samples=None, mode='tensor'):
        mean, std = self.rain.decode_style(inputs)
        return dict(loss=self.loss_scale * (mean.pow(2).mean() + std.var()))


class LatentCodes(Dataset):

    def __len__(self):
        return 2

    def __getitem__(self, index):
        return dict(inputs=torch.randn(512))


class NotATensor:
    """An arbitrary pickled object, which weights_only loading refuses."""


def assert_same_weights(a: nn.Module, b: nn.Module):
    for (name, x), (_, y) in zip(a.state_dict().items(),
                                 b.state_dict().items()):
        assert torch.equal(x, y), name


@pytest.fixture(scope='module')
def runner_checkpoint(tmp_path_factory):
    work_dir = tmp_path_factory.mktemp('runner')
    runner = Runner(
        model=TinyRAINTrainer(),
        work_dir=str(work_dir),
        experiment_name=work_dir.name,
        train_dataloader=dict(
            dataset=LatentCodes(),
            batch_size=2,
            sampler=dict(type='DefaultSampler', shuffle=False),
            collate_fn=dict(type='default_collate')),
        optim_wrapper=dict(optimizer=dict(type='Adam', lr=1e-2)),
        train_cfg=dict(by_epoch=False, max_iters=1),
        default_hooks=dict(
            checkpoint=dict(type='CheckpointHook', interval=1,
                            by_epoch=False)),
        randomness=dict(seed=0),
        default_scope='mmasm')
    runner.train()
    return glob.glob(str(work_dir / 'iter_1.pth'))[0], runner.model.rain


def test_plain_state_dict_round_trip(tmp_path):
    torch.manual_seed(0)
    source = RAIN()
    path = tmp_path / 'rain.pth'
    torch.save(source.state_dict(), path)
    torch.manual_seed(1)
    assert_same_weights(load_rain_checkpoint(RAIN(), str(path)), source)


def test_runner_checkpoint_loads_rain_weights(runner_checkpoint):
    path, trained = runner_checkpoint
    ckpt = torch.load(path, map_location='cpu', weights_only=False)
    assert {'message_hub', 'optimizer'} <= set(ckpt)  # a real Runner file
    state = rain_state_dict_from_file(path)
    assert 'loss_scale' not in state and 'encoder.conv0.weight' in state
    torch.manual_seed(1)
    assert_same_weights(load_rain_checkpoint(RAIN(), path), trained)


def test_config_builds_rain_from_checkpoint(runner_checkpoint):
    path, trained = runner_checkpoint
    rain = MODELS.build(dict(type='RAIN', checkpoint=path))
    assert_same_weights(rain, trained)


def test_export_runner_checkpoint(runner_checkpoint, tmp_path):
    path, trained = runner_checkpoint
    out = tmp_path / 'exported.pth'
    torch.save(export_runner_checkpoint(path), out)
    plain = torch.load(out, weights_only=True)  # no mmengine allow-list
    assert set(plain) == set(trained.state_dict())
    assert_same_weights(load_rain_checkpoint(RAIN(), str(out)), trained)


def test_foreign_objects_are_refused_with_export_hint(tmp_path):
    source = RAIN()
    path = tmp_path / 'pickled.pth'
    torch.save(
        dict(
            state_dict={
                f'rain.{k}': v
                for k, v in source.state_dict().items()
            },
            meta=NotATensor()), path)
    with pytest.raises(
            ValueError,
            match=r'pickled.pth holds objects other '
            r'than tensors.*export .*--trusted'):
        load_rain_checkpoint(RAIN(), str(path))
    exported = export_runner_checkpoint(str(path), trusted=True)
    assert set(exported) == set(source.state_dict())


def test_mismatch_lists_keys_and_shapes(tmp_path):
    state = RAIN().state_dict()
    state['decoder.conv1_1.weight'] = torch.zeros(3, 32, 3, 3)
    del state['decoder.conv1_1.bias']
    state['decoder.extra.weight'] = torch.zeros(1)
    path = tmp_path / 'bad.pth'
    torch.save(state, path)
    with pytest.raises(ValueError) as err:
        load_rain_checkpoint(RAIN(), str(path))
    message = str(err.value)
    assert 'bad.pth does not match the RAIN model' in message
    assert ('decoder.conv1_1.weight: (3, 64, 3, 3) vs (3, 32, 3, 3)'
            in message)
    assert 'missing keys (1): decoder.conv1_1.bias' in message
    assert 'unexpected keys (1): decoder.extra.weight' in message
    with pytest.raises(ValueError, match='shape mismatch'):
        load_rain_checkpoint(RAIN(), str(path), strict=False)


def test_partial_file_loads_non_strict(tmp_path):
    source = RAIN()
    path = tmp_path / 'encoder_only.pth'
    torch.save(
        {
            k: v
            for k, v in source.state_dict().items() if k.startswith('encoder.')
        }, path)
    with pytest.raises(ValueError, match=r'missing keys \(\d+\): decoder'):
        load_rain_checkpoint(RAIN(), str(path))
    target = RAIN()
    decoder_before = target.decoder.conv1_1.weight.clone()
    rain = MODELS.build(
        dict(type='RAIN', checkpoint=dict(filename=str(path), strict=False)))
    assert_same_weights(rain.encoder, source.encoder)
    load_rain_checkpoint(target, str(path), strict=False)
    assert torch.equal(target.decoder.conv1_1.weight, decoder_before)


def test_depth_mismatch_hint(tmp_path):
    path = tmp_path / 'rain_d2.pth'
    torch.save(RAIN(vae_depth=2).state_dict(), path)
    with pytest.raises(
            ValueError,
            match=r'depth-2 style VAE, the model '
            r'depth 3: build RAIN\(vae_depth=2\)'):
        load_rain_checkpoint(RAIN(), str(path))


def test_published_file_is_pointed_to_converter(tmp_path):
    path = tmp_path / 'decoder.pth'
    torch.save({'1.weight': torch.zeros(2), '1.bias': torch.zeros(2)}, path)
    with pytest.raises(ValueError, match='convert_rain_weights.py'):
        load_rain_checkpoint(RAIN(), str(path))


def test_missing_and_corrupt_files_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='absent.pth'):
        load_rain_checkpoint(RAIN(), str(tmp_path / 'absent.pth'))
    truncated = tmp_path / 'truncated.pth'
    torch.save(RAIN().style_vae.state_dict(), truncated)
    truncated.write_bytes(truncated.read_bytes()[:1000])
    with pytest.raises(ValueError, match='truncated.pth is not a readable'):
        load_rain_checkpoint(RAIN(), str(truncated))

"""WeightsExportHook: the RAIN generator and the LRM translator exported
after training, atomically with a SHA-256 sidecar, read back by their
loaders; a failed export leaves the previous file intact."""
import pytest
import torch
from mmengine.runner import Runner

from mmasm.models.lrm import LRMTrainer, LRMTranslator, load_lrm_translator
from mmasm.models.rain import RAIN, RAINPretrainer, load_rain_checkpoint
from mmasm.registry import HOOKS
from mmasm.utils.checkpoint import checksum_path, staging_name

pytestmark = pytest.mark.usefixtures('one_torch_thread')
#: A narrow LRM translator and discriminator (the export is what is tested).
TRANSLATOR = dict(width=8, latent_channels=8, content_channels=4)
LRM = dict(
    translator=dict(type='LRMTranslator', **TRANSLATOR),
    discriminator=dict(
        type='LRMPatchDiscriminator', channels=(3, 8, 8, 8, 8, 1)),
    perceptual_loss=None)


def rain_model():
    return RAINPretrainer(rain=dict(type='RAIN', encoder_tap='relu2_1'))


def lrm_model():
    return LRMTrainer(**LRM)


def rain_read_back(path):
    return load_rain_checkpoint(RAIN(encoder_tap='relu2_1'), str(path))


def lrm_read_back(path):
    return load_lrm_translator(path, **TRANSLATOR)


KINDS = {
    'rain': (rain_model, 'rain', rain_read_back),
    'lrm': (lrm_model, 'translator', lrm_read_back),
}


def export(model, work_dir, filename='weights.pth'):
    """Build a Runner around ``model`` and run the hook's ``after_train``,
    as the Runner does at the end of training."""
    runner = Runner(
        model=model,
        work_dir=str(work_dir),
        experiment_name=f'{work_dir.name}_{id(model)}',  # one per runner
        default_scope='mmasm')
    hook = HOOKS.build(dict(type='WeightsExportHook', filename=filename))
    hook.after_train(runner)
    return work_dir / filename


@pytest.mark.parametrize('kind', sorted(KINDS))
def test_export_is_read_back_by_the_models_loader(kind, tmp_path):
    build, network, read_back = KINDS[kind]
    torch.manual_seed(0)
    model = build()
    path = export(model, tmp_path)
    expected = getattr(model, network).state_dict()
    loaded = read_back(path).state_dict()
    assert loaded.keys() == expected.keys()
    assert [k for k in expected
            if not torch.equal(loaded[k], expected[k])] == []
    plain = torch.load(path, weights_only=True)  # plain CPU tensors only
    assert all(v.device.type == 'cpu' for v in plain.values())
    sidecar = open(checksum_path(str(path))).read().split()
    assert sidecar[1] == path.name and len(sidecar[0]) == 64
    assert not (tmp_path / staging_name(path.name)).exists()
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match='corrupt'):
        read_back(path)


class UnpicklableExport(LRMTrainer):
    """An LRM trainer whose export fails half-way through ``torch.save``."""

    def export_state_dict(self):
        state = super().export_state_dict()
        state['zz_unpicklable'] = lambda: None
        return state


def test_a_failed_export_leaves_the_previous_file(tmp_path):
    torch.manual_seed(0)
    first = lrm_model()
    path = export(first, tmp_path)
    before = path.read_bytes()
    torch.manual_seed(1)
    failing = UnpicklableExport(**LRM)
    with pytest.raises(Exception, match='lambda|pickle'):
        export(failing, tmp_path)
    assert path.read_bytes() == before
    written = sorted(p.name for p in tmp_path.iterdir() if 'weights' in p.name)
    assert written == ['weights.pth', 'weights.pth.sha256']  # nothing staged
    reloaded = lrm_read_back(path).state_dict()
    assert all(
        torch.equal(v, reloaded[k])
        for k, v in first.translator.state_dict().items())


def test_a_model_without_an_export_state_is_refused_before_training(tmp_path):
    runner = Runner(
        model=LRMTranslator(**TRANSLATOR),
        work_dir=str(tmp_path),
        experiment_name=tmp_path.name,
        default_scope='mmasm')
    hook = HOOKS.build(dict(type='WeightsExportHook', filename='w.pth'))
    with pytest.raises(TypeError, match='LRMTranslator has no export_state'):
        hook.before_train(runner)
    with pytest.raises(TypeError, match='LRMTranslator has no export_state'):
        hook.after_train(runner)
    assert not (tmp_path / 'w.pth').exists()

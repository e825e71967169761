"""RAIN pretraining: RAINPretrainer, its data preprocessor, and
training its config through the real mmengine Runner (``train_config``, what
tools/train.py does: loss, grid, export, exact resume, bad input)."""
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from mmengine.logging import MessageHub
from mmengine.optim import build_optim_wrapper
from mmengine.structures import BaseDataElement
from utils import logged_scalars

from mmasm.apis import train_config
from mmasm.models import RAIN, RAINDataPreprocessor, RAINPretrainer
from mmasm.models.rain.checkpoint import load_rain_checkpoint

REPO = Path(__file__).resolve().parents[2]
TINY_CFG = str(REPO / 'configs' / 'rain' / 'rain_tiny_cpu.py')
MAX_ITERS, RESUME_AT = 12, 6


def write_content_and_style(root: Path):
    """24 smooth random colour images and 8 textured (noise + stripes)."""
    rng = np.random.default_rng(0)
    (root / 'content').mkdir(parents=True)
    (root / 'style' / 'more').mkdir(parents=True)
    for i in range(24):
        coarse = rng.integers(0, 256, (3, 6, 3), dtype=np.uint8)
        img = cv2.resize(coarse, (96, 48), interpolation=cv2.INTER_CUBIC)
        assert cv2.imwrite(str(root / 'content' / f'c{i:02d}.png'), img)
    ramp = np.arange(48)
    for i in range(8):
        stripes = 60 * np.sin(ramp * 0.4 * (i + 1))[None, :, None]
        noise = rng.integers(-70, 71, (48, 48, 3))
        img = np.clip(rng.integers(0, 256, 3) + noise + stripes, 0, 255)
        sub = 'more/' if i % 2 else ''
        assert cv2.imwrite(
            str(root / 'style' / f'{sub}s{i}.jpg'), img.astype(np.uint8))
    return root / 'content', root / 'style'


def train(work_dir, content, style, resume=False):
    """The tiny config on the tiny data for MAX_ITERS iterations; the
    trained runner."""
    return train_config(
        TINY_CFG, str(work_dir), {
            'train_dataloader.dataset.content.data_root': str(content),
            'train_dataloader.dataset.style.data_root': str(style),
            'train_dataloader.dataset.content.pipeline.2.crop_size': (32, 32),
            'train_dataloader.dataset.style.pipeline.2.crop_size': (32, 32),
            'train_cfg.max_iters': MAX_ITERS,
            'default_hooks.logger.interval': 1,
            'log_processor.window_size': 1,
            'default_hooks.checkpoint.interval': RESUME_AT,
            'custom_hooks.0.interval': MAX_ITERS,
            'resume': resume
        })[0]


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    return write_content_and_style(tmp_path_factory.mktemp('rain_data'))


@pytest.fixture(scope='module')
def trained(data, tmp_path_factory):
    """The uninterrupted run: MAX_ITERS iterations, checkpoints every
    RESUME_AT."""
    work_dir = tmp_path_factory.mktemp('rain_run')
    runner = train(work_dir, *data)
    return work_dir, runner


# ---------------------------------------------------------------- model --


def batch_of(seed, size=16, n=2, draw_seeds=(1, 2)):
    gen = torch.Generator().manual_seed(seed)
    images = [
        torch.randint(
            0, 256, (3, size, size), generator=gen, dtype=torch.uint8)
        for _ in range(2 * n)
    ]
    samples = [
        BaseDataElement(metainfo=dict(draw_seed=s)) for s in draw_seeds
    ] if draw_seeds else None
    return dict(
        inputs=dict(content=images[:n], style=images[n:]),
        data_samples=samples)


def test_data_preprocessor_makes_rgb_in_unit_range():
    img = torch.tensor([10, 20, 255],
                       dtype=torch.uint8).view(3, 1, 1).expand(3, 2, 2)
    out = RAINDataPreprocessor()(dict(inputs=dict(content=[img], style=[img])))
    expected = torch.tensor([255., 20., 10.]).view(1, 3, 1, 1) / 255
    for key in ('content', 'style'):
        assert out['inputs'][key].dtype == torch.float32
        assert torch.equal(out['inputs'][key], expected.expand(1, 3, 2, 2))
    with pytest.raises(ValueError, match=r"keys \['content', 'style'\]"):
        RAINDataPreprocessor()(dict(inputs=[img]))


def test_train_step_updates_decoder_and_style_vae_only():
    torch.manual_seed(0)
    model = RAINPretrainer()
    optim_wrapper = build_optim_wrapper(
        model, dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-3)))
    assert not any(p.requires_grad for p in model.rain.encoder.parameters())
    before = {k: v.clone() for k, v in model.rain.state_dict().items()}
    log_vars = model.train_step(batch_of(0), optim_wrapper)
    terms = ('loss_content', 'loss_style', 'loss_kl', 'loss_rec')
    assert set(log_vars) == {'loss', *terms}
    assert log_vars['loss'].item() == pytest.approx(
        sum(log_vars[t].item() for t in terms), rel=1e-5)
    for key, value in model.rain.state_dict().items():
        changed = not torch.equal(value, before[key])
        assert changed == (not key.startswith('encoder.')), key


def test_decoder_warmup_trains_the_decoder_on_pixels_then_eq3_starts():
    torch.manual_seed(0)
    model = RAINPretrainer(
        loss=dict(type='RAINLoss', pixel_weight=0.5), decoder_warmup_iters=3)
    optim_wrapper = build_optim_wrapper(
        model, dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-3)))
    hub = MessageHub.get_current_instance()
    batch = batch_of(0)
    hub.update_info('iter', 2)
    vae_before = {
        k: v.clone()
        for k, v in model.rain.style_vae.state_dict().items()
    }
    content = model.data_preprocessor(batch, True)['inputs']['content']
    with torch.no_grad():
        expected = torch.nn.functional.mse_loss(
            model.rain.decoder(model.rain.encoder(content)), content)
    log_vars = model.train_step(batch, optim_wrapper)
    assert set(log_vars) == {'loss', 'loss_pixel'}
    assert log_vars['loss_pixel'].item() == pytest.approx(
        expected.item(), rel=1e-5)
    for key, value in model.rain.style_vae.state_dict().items():
        assert torch.equal(value, vae_before[key]), key
    hub.update_info('iter', 3)
    log_vars = model.train_step(batch, optim_wrapper)
    # Eq. 3 plus the weighted pixel term
    assert set(log_vars) == {
        'loss', 'loss_content', 'loss_style', 'loss_kl', 'loss_rec',
        'loss_pixel'
    }
    hub.update_info('iter', 0)


def test_latent_noise_is_seeded_by_the_draws():
    torch.manual_seed(0)
    model = RAINPretrainer()

    def losses(batch):
        data = model.data_preprocessor(batch, True)
        return model(**data, mode='loss')

    first, again = losses(batch_of(0)), losses(batch_of(0))
    other = losses(batch_of(0, draw_seeds=(1, 3)))
    assert all(torch.equal(first[k], again[k]) for k in first)
    assert not torch.equal(first['loss_rec'], other['loss_rec'])
    assert torch.equal(first['loss_kl'], other['loss_kl'])  # eps-free term


def test_tensor_and_predict_modes_return_stylizations():
    torch.manual_seed(0)
    model = RAINPretrainer(rain=dict(type='RAIN', vae_depth=2))
    data = model.data_preprocessor(batch_of(1, size=24), False)
    stylized = model(**data, mode='tensor')
    assert stylized.shape == (2, 3, 24, 24)
    predictions = model.test_step(batch_of(1, size=24))
    assert [p.draw_seed for p in predictions] == [1, 2]
    assert torch.equal(
        torch.stack([p.stylized for p in predictions]), stylized)
    with pytest.raises(ValueError, match='unknown mode "train"'):
        model(**data, mode='train')


# --------------------------------------------------------------- runner --


def test_loss_falls_and_lr_decays(trained):
    work_dir, _ = trained
    log = logged_scalars(work_dir)
    assert sorted(log) == list(range(1, MAX_ITERS + 1))
    total = [log[i]['loss'] for i in sorted(log)]
    assert np.mean(total[-5:]) < 0.9 * np.mean(total[:5])
    content = [log[i]['loss_content'] for i in sorted(log)]
    assert np.mean(content[-5:]) < np.mean(content[:5])
    for i, record in log.items():
        assert record['lr'] == pytest.approx(
            1e-4 / (1 + 5e-5 * (i - 1)), rel=1e-6)


def test_stylization_grid_is_written(trained):
    work_dir, _ = trained
    (png, ) = Path(work_dir).glob(
        f'*/vis_data/vis_image/rain_stylization_{MAX_ITERS}.png')
    grid = cv2.imread(str(png))
    # rows: content, style, psi-stylized, 2 random; columns: batch of 2;
    # 32x32 cells with make_grid's 2-pixel padding
    assert grid.shape == (2 + 5 * 34, 2 + 2 * 34, 3)
    assert grid[2:34, 2:34].std() > 0  # a real image, not padding


def test_exported_generator_weights_load_into_rain(trained):
    work_dir, runner = trained
    exported = torch.load(
        work_dir / 'rain_final.pth', weights_only=True, map_location='cpu')
    rain = RAIN()
    rain.load_state_dict(exported)  # strict: exactly RAIN's keys
    trained_state = runner.model.rain.state_dict()
    assert all(torch.equal(exported[k], trained_state[k]) for k in exported)
    from_runner_ckpt = load_rain_checkpoint(
        RAIN(), str(work_dir / f'iter_{MAX_ITERS}.pth')).state_dict()
    assert all(
        torch.equal(exported[k], v) for k, v in from_runner_ckpt.items())
    midway = load_rain_checkpoint(RAIN(),
                                  str(work_dir / f'iter_{RESUME_AT}.pth'))
    for key, value in midway.state_dict().items():
        assert torch.equal(value, exported[key]) == key.startswith('encoder.')


def test_resume_repeats_the_uninterrupted_run(trained, data, tmp_path):
    """Resume from the checkpoint at RESUME_AT (found in the work dir by
    --resume) and train to MAX_ITERS: same losses, same weights."""
    work_dir, _ = trained
    shutil.copy(work_dir / f'iter_{RESUME_AT}.pth', tmp_path)
    (tmp_path / 'last_checkpoint').write_text(
        str(tmp_path / f'iter_{RESUME_AT}.pth'))
    train(tmp_path, *data, resume=True)
    resumed_log, full_log = logged_scalars(tmp_path), logged_scalars(work_dir)
    assert sorted(resumed_log) == list(range(RESUME_AT + 1, MAX_ITERS + 1))
    for i in resumed_log:
        assert resumed_log[i]['loss'] == full_log[i]['loss'], i
    resumed = torch.load(tmp_path / 'rain_final.pth', weights_only=True)
    full = torch.load(work_dir / 'rain_final.pth', weights_only=True)
    assert max((resumed[k] - full[k]).abs().max().item() for k in full) <= 1e-6


def test_empty_style_folder_fails_before_training(data, tmp_path):
    content, _ = data
    empty = tmp_path / 'wikiart'
    empty.mkdir()
    with pytest.raises(ValueError, match=f'no images in "{empty}"'):
        train(tmp_path / 'work', content, empty)
    assert not list((tmp_path / 'work').glob('iter_*.pth'))


def test_missing_content_folder_fails_before_training(data, tmp_path):
    _, style = data
    missing = tmp_path / 'gta5' / 'images'
    with pytest.raises(FileNotFoundError, match=f'"{missing}" does not exist'):
        train(tmp_path / 'work', missing, style)
    assert not list((tmp_path / 'work').glob('iter_*.pth'))


# -------------------------------------------------------------- configs --


def test_authors_recipe_config():
    from mmengine.config import Config
    cfg = Config.fromfile(
        str(REPO / 'configs' / 'rain' /
            'rain_vgg19_8xb8-160k_gta5-wikiart-256x256.py'))
    assert cfg.default_scope == 'mmasm'  # mmasm's registry nodes
    assert cfg.train_dataloader.batch_size == 8
    assert cfg.train_cfg.max_iters == 160000
    assert cfg.optim_wrapper.optimizer == dict(type='Adam', lr=1e-4)
    assert cfg.param_scheduler[0].type == 'InverseDecayLR'
    assert cfg.param_scheduler[0].gamma == 5e-5
    dataset = cfg.train_dataloader.dataset
    assert dataset.content.data_root == 'data/gta5/images'
    assert dataset.style.data_root == 'data/wikiart'
    for side in (dataset.content, dataset.style):
        assert side.pipeline[1].scale == (1024, 512)  # (w, h)
        assert side.pipeline[2].crop_size == (256, 256)
    loss = cfg.model.loss
    assert (loss.style_weight, loss.kl_weight, loss.rec_weight) == (1, 1, 5)


def test_rain_checkpoint_starts_from_a_converted_encoder(tmp_path):
    torch.manual_seed(1)
    encoder_only = {
        k: v
        for k, v in RAIN().state_dict().items() if k.startswith('encoder.')
    }
    torch.save(encoder_only, tmp_path / 'vgg.pth')
    model = RAINPretrainer(rain_checkpoint=str(tmp_path / 'vgg.pth'))
    state = model.rain.state_dict()
    assert all(torch.equal(state[k], v) for k, v in encoder_only.items())
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        RAINPretrainer(rain_checkpoint=str(tmp_path / 'missing.pth'))

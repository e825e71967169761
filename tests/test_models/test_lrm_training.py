"""LRM training through the real mmengine Runner (``train_config``, what
tools/train.py does):
the pair dataset, a short CPU run that lowers its objective, export, exact
resume, bad input before training, and the shipped configs."""
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from utils import logged_scalars

from mmasm.apis import train_config
from mmasm.datasets import LRMPairDataset
from mmasm.models.lrm import LRMTranslator, load_lrm_translator

REPO = Path(__file__).resolve().parents[2]
DEMO_CFG = REPO / 'configs' / 'lrm' / 'lrm_tiny_demo.py'
RECIPE_CFG = (
    REPO / 'configs' / 'lrm' /
    'lrm_1xb1-3456_potsdam-to-vaihingen-1shot-512x512.py')
MAX_ITERS, RESUME_AT, K = 12, 6, 4

pytestmark = pytest.mark.usefixtures('one_torch_thread')


def write_source_and_target(root: Path):
    """6 smooth random colour images (two folders) and one striped, noisy
    target, 32x32 each."""
    rng = np.random.default_rng(0)
    (root / 'source' / 'sub').mkdir(parents=True)
    for i in range(6):
        coarse = rng.integers(0, 256, (4, 4, 3), dtype=np.uint8)
        img = cv2.resize(coarse, (32, 32), interpolation=cv2.INTER_CUBIC)
        sub = 'sub/' if i % 2 else ''
        assert cv2.imwrite(str(root / 'source' / f'{sub}s{i}.png'), img)
    stripes = 60 * np.sin(np.arange(32) * 0.8)[None, :, None]
    noise = rng.integers(-50, 51, (32, 32, 3))
    target = np.clip(np.array([90, 140, 60]) + noise + stripes, 0, 255)
    assert cv2.imwrite(str(root / 'target.png'), target.astype(np.uint8))
    return root / 'source', root / 'target.png'


def train(work_dir,
          source,
          target,
          resume=False,
          config=DEMO_CFG,
          max_iters=MAX_ITERS):
    """The demo ``config`` on the tiny data: constant lr 1e-2 (the recipe's
    one-cycle warm-up needs ~40 iterations before anything moves) and a
    narrow discriminator, to keep the run short; the trained runner."""
    return train_config(
        str(config), str(work_dir), {
            'train_dataloader.dataset.source.data_root': str(source),
            'train_dataloader.dataset.target': str(target),
            'train_cfg.max_iters': max_iters,
            'param_scheduler': [],
            'optim_wrapper.translator.optimizer.lr': 0.01,
            'optim_wrapper.discriminator.optimizer.lr': 0.01,
            'model.discriminator.channels': (3, 8, 16, 16, 16, 1),
            'default_hooks.logger.interval': 1,
            'log_processor.window_size': 1,
            'default_hooks.checkpoint.interval': RESUME_AT,
            'default_hooks.checkpoint.max_keep_ckpts': 2,
            'resume': resume
        })[0]


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    return write_source_and_target(tmp_path_factory.mktemp('lrm_data'))


@pytest.fixture(scope='module')
def trained(data, tmp_path_factory):
    work_dir = tmp_path_factory.mktemp('lrm_run')
    runner = train(work_dir, *data)
    return work_dir, runner


def test_pair_dataset_pairs_every_source_with_the_target(data):
    source, target = data
    init_default_scope('mmasm')
    dataset = LRMPairDataset(
        source=dict(
            type='ImageFolderDataset',
            data_root=str(source),
            pipeline=[dict(type='LoadImageFromFile')]),
        target=str(target))
    assert len(dataset) == 6
    samples = [dataset[i] for i in range(len(dataset))]
    assert {s['data_samples'].style_path for s in samples} == {str(target)}
    assert len({s['data_samples'].content_path for s in samples}) == 6
    expected = torch.from_numpy(cv2.imread(str(target)).transpose(2, 0, 1))
    assert all(torch.equal(s['inputs']['style'], expected) for s in samples)


def test_training_lowers_the_objective(trained):
    work_dir, _ = trained
    log = logged_scalars(work_dir)
    assert sorted(log) == list(range(1, MAX_ITERS + 1))
    first, last = sorted(log)[:K], sorted(log)[-K:]

    def mean(key, iters):
        return np.mean([log[i][key] for i in iters])

    assert mean('loss', last) < 0.8 * mean('loss', first)
    for term in ('loss_rec_source', 'loss_rec_target'):
        assert mean(term, last) < mean(term, first), term
    assert all(np.isfinite(log[i]['loss_disc']) for i in log)


def test_ablation_without_perceptual_terms_trains_on_reconstruction_and_lsgan(
        data, tmp_path):
    runner = train(
        tmp_path,
        *data,
        config=DEMO_CFG.with_name('lrm_tiny_demo-no-perceptual.py'),
        max_iters=2)
    assert runner.model.perceptual_loss is None
    assert not any('vgg' in name for name, _ in runner.model.named_modules())
    log = logged_scalars(tmp_path)
    for values in log.values():
        assert not {'loss_content', 'loss_style'} & set(values)
        assert values['loss'] == pytest.approx(
            values['loss_rec_source'] + values['loss_rec_target'] +
            values['loss_adv'],
            rel=1e-4)


def test_exported_translator_is_the_trained_one(trained):
    work_dir, runner = trained
    exported = torch.load(work_dir / 'lrm_translator.pth', weights_only=True)
    LRMTranslator().load_state_dict(exported)  # strict: exactly its keys
    trained_state = runner.model.translator.state_dict()
    assert all(torch.equal(exported[k], trained_state[k]) for k in exported)
    from_runner_ckpt = load_lrm_translator(
        work_dir / f'iter_{MAX_ITERS}.pth').state_dict()
    assert all(
        torch.equal(exported[k], v) for k, v in from_runner_ckpt.items())


def test_resume_repeats_the_uninterrupted_run(trained, data, tmp_path):
    work_dir, _ = trained
    shutil.copy(work_dir / f'iter_{RESUME_AT}.pth', tmp_path)
    (tmp_path / 'last_checkpoint').write_text(
        str(tmp_path / f'iter_{RESUME_AT}.pth'))
    train(tmp_path, *data, resume=True)
    resumed_log, full_log = logged_scalars(tmp_path), logged_scalars(work_dir)
    assert sorted(resumed_log) == list(range(RESUME_AT + 1, MAX_ITERS + 1))
    for i in resumed_log:
        for key in ('loss', 'loss_disc'):
            assert resumed_log[i][key] == pytest.approx(
                full_log[i][key], rel=1e-5), (i, key)
    resumed = torch.load(tmp_path / 'lrm_translator.pth', weights_only=True)
    full = torch.load(work_dir / 'lrm_translator.pth', weights_only=True)
    assert max((resumed[k] - full[k]).abs().max().item() for k in full) <= 1e-5


def test_missing_target_fails_before_training(data, tmp_path):
    source, _ = data
    missing = tmp_path / 'vaihingen' / 'area1_0_0_512_512.png'
    with pytest.raises(
            FileNotFoundError, match=f"target image not found: '{missing}'"):
        train(tmp_path / 'work', source, missing)
    assert not list((tmp_path / 'work').glob('iter_*.pth'))


def test_unreadable_target_fails_before_training(data, tmp_path):
    source, _ = data
    fake = tmp_path / 'target.png'
    fake.write_text('not an image')
    with pytest.raises(ValueError, match='cannot be read as an image'):
        train(tmp_path / 'work', source, fake)
    assert not list((tmp_path / 'work').glob('iter_*.pth'))


def test_recipe_config():
    cfg = Config.fromfile(str(RECIPE_CFG))
    assert cfg.default_scope == 'mmasm'  # mmasm's registry nodes
    assert cfg.train_dataloader.batch_size == 1
    dataset = cfg.train_dataloader.dataset
    assert dataset.type == 'LRMPairDataset'
    assert dataset.target.endswith(
        'vaihingen/img_dir/train/area1_0_0_512_512.png')
    assert dataset.source.data_root == 'data/potsdam/img_dir/train'
    model = cfg.model
    assert (model.rec_weight, model.adv_weight) == (30.0, 1000.0)
    loss = model.perceptual_loss
    assert (loss.content_weight, loss.style_weight) == (1.0, 5.0)
    assert loss.content_layer == 'relu2_2'
    assert loss.style_layers == ('relu1_2', 'relu2_2', 'relu3_3', 'relu4_3')
    assert loss.vgg.arch == 'vgg19'  # the authors' loss network
    demo = Config.fromfile(str(DEMO_CFG))
    # the demo steps the one-cycle schedule (peak 1e-3) over its iterations
    assert demo.train_cfg.max_iters == demo.param_scheduler[0].total_steps
    for side in ('translator', 'discriminator'):
        assert demo.optim_wrapper[side].optimizer == dict(
            type='Adam', lr=1e-3, betas=(0.5, 0.999))
    assert demo.train_dataloader.dataset.target == (
        'data/demo/target/leftImg8bit/train/demo/'
        'demo_000000_000019_leftImg8bit.png')
    assert demo.train_dataloader.dataset.source.data_root == \
        'data/demo/source/images'


class TwoPlayers(torch.nn.Module):
    """A stand-in with the trained attributes of ``LRMTrainer``."""

    def __init__(self):
        super().__init__()
        self.translator = torch.nn.Conv2d(3, 3, 1)
        self.discriminator = torch.nn.Conv2d(3, 1, 1)


def test_recipe_runs_the_optimizer_the_authors_script_runs():
    """Their script builds Adam(1e-3, (0.5, 0.999)) and OneCycleLR on it,
    never steps the scheduler, and steps Adam 3456 times: the recipe's
    optimizers follow the same learning rate and betas at every step."""
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import PARAM_SCHEDULERS
    cfg = Config.fromfile(str(RECIPE_CFG))
    init_default_scope('mmasm')
    wrappers = build_optim_wrapper(TwoPlayers(), cfg.optim_wrapper)
    schedulers = {
        side: [
            PARAM_SCHEDULERS.build(
                dict(s, optimizer=wrappers[side].optimizer))
            for s in cfg.param_scheduler
        ]
        for side in wrappers.keys()
    }
    theirs_param = torch.nn.Parameter(torch.zeros(1))
    theirs = torch.optim.Adam([theirs_param], lr=1e-3, betas=(0.5, 0.999))
    torch.optim.lr_scheduler.OneCycleLR(
        theirs, 1e-3, epochs=1, steps_per_epoch=cfg.train_cfg.max_iters)
    expected = theirs.param_groups[0]
    for step in range(cfg.train_cfg.max_iters):
        for side in ('translator', 'discriminator'):
            group = wrappers[side].optimizer.param_groups[0]
            if step % 500 == 0 or step == cfg.train_cfg.max_iters - 1:
                assert group['lr'] == pytest.approx(
                    expected['lr'], rel=1e-12), (side, step)
                assert group['betas'] == expected['betas'], (side, step)
            for scheduler in schedulers[side]:
                scheduler.step()
        theirs.step()  # what their loop does: no scheduler step
    assert expected['lr'] == pytest.approx(4e-5) and expected['betas'] == (
        0.95, 0.999)

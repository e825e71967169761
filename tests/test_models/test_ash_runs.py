"""ASH runs in mmengine's real Runner on the tiny SegFormer: resume, bad
input, and two gloo ranks (a run of the suite's one two-rank launch,
``two_rank_runs`` in ``tests/conftest.py``)."""
import pytest
import torch
from ash_setup import (DETERMINISTIC_PIPELINE, NETWORKS, POLY, ash_cfg,
                       write_ash_config, write_files)
from mmengine.config import Config
from mmengine.runner import Runner
from utils import TINY_SEGFORMER_CFG, run_log

from mmasm.models import RAIN
from mmasm.utils import build_module

pytestmark = pytest.mark.usefixtures('one_torch_thread')


def resumable_cfg(work_dir, ash_files, max_iters):
    cfg = ash_cfg(work_dir, ash_files, max_iters=max_iters)
    cfg.param_scheduler = {name: POLY for name in NETWORKS}
    cfg.train_dataloader.dataset.pipeline = DETERMINISTIC_PIPELINE
    return cfg


def test_resume_reproduces_an_uninterrupted_run(tmp_path, ash_files):
    full = Runner.from_cfg(
        resumable_cfg(tmp_path / 'full', ash_files, max_iters=4))
    full.train()
    Runner.from_cfg(resumable_cfg(tmp_path / 'half', ash_files,
                                  max_iters=2)).train()
    cfg = resumable_cfg(tmp_path / 'half', ash_files, max_iters=4)
    cfg.resume, cfg.load_from = True, str(tmp_path / 'half' / 'iter_2.pth')
    resumed = Runner.from_cfg(cfg)
    resumed.train()
    expected = full.model.state_dict()
    assert set(resumed.model.state_dict()) == set(expected)
    for key, value in resumed.model.state_dict().items():
        torch.testing.assert_close(
            value, expected[key], rtol=0, atol=1e-6, msg=key)
    for name in NETWORKS:
        wrappers = full.optim_wrapper[name], resumed.optim_wrapper[name]
        assert wrappers[1].get_lr()['lr'] == pytest.approx(
            wrappers[0].get_lr()['lr'])
        assert wrappers[1].get_lr(
        )['lr'][0] < wrappers[0].optimizer.defaults['lr']
        for full_state, resumed_state in zip(
                *(w.state_dict()['state'].values() for w in wrappers)):
            for key in full_state:
                torch.testing.assert_close(
                    resumed_state[key], full_state[key], rtol=0, atol=1e-6)


def test_bad_input_fails_before_training(tmp_path, ash_files):

    def build(**kwargs):
        cfg = Config.fromfile(
            write_ash_config(tmp_path / 'cfg.py', ash_files, **kwargs))
        return build_module(cfg.model)

    with pytest.raises(FileNotFoundError, match='ASH style.*nowhere'):
        build(style=str(tmp_path / 'nowhere'))
    (tmp_path / 'empty').mkdir()
    with pytest.raises(
            ValueError, match='ASH style.*no image in folder.*empty'):
        build(style=str(tmp_path / 'empty'))
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        build(rain_checkpoint=str(tmp_path / 'missing.pth'))
    torch.save(RAIN(vae_depth=2).state_dict(), tmp_path / 'depth2.pth')
    with pytest.raises(
            ValueError, match=r'depth2.pth does not match(.|\n)*vae_depth=2'):
        build(rain_checkpoint=str(tmp_path / 'depth2.pth'))
    with pytest.raises(ValueError, match='adv_weight'):
        build(adv_weight=-1.0)
    for key in ('hallucinator', 'discriminator'):
        with pytest.raises(
                ValueError,
                match=f'predicts 19 classes but {key}.num_classes=5'):
            build(**{key: dict(num_classes=5)})
    # a config that kept a single optim wrapper: the first step names the fix
    cfg = ash_cfg(tmp_path / 'run', ash_files)
    cfg.optim_wrapper = Config.fromfile(str(TINY_SEGFORMER_CFG)).optim_wrapper
    runner = Runner.from_cfg(cfg)
    with pytest.raises(TypeError, match='MultiNetworkOptimWrapperConstructor'):
        runner.train()
    assert runner.iter == 0 and not list((tmp_path / 'run').glob('*.pth'))


def write_two_rank_run(root):
    """A 3-iteration ASH run on 2 gloo ranks (``work_dir``), with ASH's
    weights larger than the recipe's (1e-3, 0, 0): every weight moves."""
    extra = """
runner_type = 'CPUDistRunner'
custom_imports = dict(imports=['mmasm', 'rank_state_hook'])
custom_hooks = [dict(type='RankStateDumpHook')]
train_cfg = dict(max_iters=3, val_interval=100)
log_level = 'INFO'
"""
    config = write_ash_config(
        root / 'cfg.py',
        write_files(root),
        extra,
        ash_adv_weight=1.0,
        content_weight=0.01,
        style_weight=0.01)
    return [[config, '--work-dir', root / 'work_dir']]


@pytest.mark.two_rank_runs(write=write_two_rank_run)
def test_two_gloo_ranks_keep_all_three_networks_identical(two_rank_runs):
    work_dir = two_rank_runs[write_two_rank_run] / 'work_dir'
    log = run_log(work_dir)
    assert 'Iter(train) [3/3]' in log and 'loss_ash_adv' in log and 'disc_loss' in log

    def load(name):
        return torch.load(
            work_dir / name, map_location='cpu', weights_only=True)

    init = load('rank0_init.pth')
    assert init['wrapper'] == 'MMSeparateDistributedDataParallel'
    models = [load(f'rank{rank}_final.pth')['state_dict'] for rank in (0, 1)]
    for network in NETWORKS:
        assert any(k.startswith(f'{network}.') for k in models[0]), network
    assert [
        k for k in models[0] if not torch.equal(models[0][k], models[1][k])
    ] == []
    unchanged = [
        k for k in models[0]
        if torch.equal(models[0][k], init['state_dict'][k])
    ]
    assert unchanged == ['style_seed']

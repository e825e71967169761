"""ASH's configs add ASH to segmentation configs by merging, and the optim
wrapper entries they merge build one wrapper per network."""
import pytest
import torch.nn as nn
from mmengine.config import Config
from mmengine.optim import OptimWrapperDict
from mmengine.registry import PARAM_SCHEDULERS
from utils import REPO_ROOT

from mmasm.engine.optimizers import MultiNetworkOptimWrapperConstructor
from mmasm.utils import mmseg_tools

CONFIGS = REPO_ROOT / 'configs'
FROM_MMSEG = CONFIGS / 'ash' / 'segformer_mit-b0_ash_gta5-to-cityscapes_from-mmseg-config.py'
ASH_KEYS = ('type', 'segmentor_type', 'rain_checkpoint', 'rain', 'style',
            'hallucinator', 'discriminator', 'adv_weight', 'ash_adv_weight',
            'content_weight', 'style_weight', 'damping_iters', 'vis_interval')
NETWORK_ENTRIES = ('constructor', 'hallucinator', 'discriminator')


def without(cfg: dict, keys) -> dict:
    return {k: v for k, v in cfg.items() if k not in keys}


def test_paper_config_is_the_source_only_recipe_plus_ash():
    paper = Config.fromfile(
        CONFIGS / 'ash' /
        'deeplabv2_r101-d8_ash_1xb1-100k_gta5-to-cityscapes-960x480.py')
    source_only = Config.fromfile(
        CONFIGS / 'asm' /
        'deeplabv2_r101-d8_source-only_1xb1-100k_gta5-to-cityscapes-960x480.py'
    )
    model = paper.model
    assert (model.type, model.segmentor_type) == ('mmasm.ASH',
                                                  source_only.model.type)
    assert model.consistency_weight == 0  # no (stylized, source) pairs
    assert without(model, ASH_KEYS + ('consistency_weight', )) == without(
        source_only.model, ('type', 'consistency_weight'))
    assert model.adv_weight == 1e-3 and model.hallucinator.label_smoothing == 0.1
    # the authors' code: ASH's adversarial weight is G's, damped over 100k
    # iterations; their 1e-8 content / style terms are left out
    assert model.ash_adv_weight == 1e-3 and model.damping_iters == 100000
    assert model.content_weight == model.style_weight == 0.0
    assert model.hallucinator.noise == 'authors'
    assert without(paper.optim_wrapper,
                   NETWORK_ENTRIES) == source_only.optim_wrapper
    assert paper.optim_wrapper.hallucinator.optimizer == dict(
        type='SGD', lr=2.5e-4, momentum=0.9, weight_decay=5e-4)
    assert paper.optim_wrapper.discriminator.optimizer == dict(
        type='Adam', lr=1e-4, betas=(0.9, 0.99))
    # one list steps all three optimizers: warm-up and poly for each
    assert paper.param_scheduler == source_only.param_scheduler
    assert paper.train_cfg.max_iters == 100000
    assert paper.model_wrapper_cfg.type == 'MMSeparateDistributedDataParallel'
    for key in ('train_cfg', 'train_dataloader', 'val_dataloader',
                'default_hooks'):
        assert paper[key] == source_only[key], key


def test_demo_config_is_the_source_only_demo_plus_ash():
    demo = Config.fromfile(CONFIGS / 'ash' / 'ash_demo.py')
    source_only = Config.fromfile(CONFIGS / 'demo' / 'source-only_demo.py')
    assert demo.model.style == source_only.data_root + 'style/'
    assert demo.model.rain_checkpoint == 'work_dirs/quickstart/rain/rain_demo.pth'
    assert demo.model.hallucinator.render_scale == 0.5
    assert without(demo.model, ASH_KEYS) == without(source_only.model,
                                                    ('type', ))
    assert without(demo.optim_wrapper,
                   NETWORK_ENTRIES) == source_only.optim_wrapper
    assert demo.param_scheduler == source_only.param_scheduler
    assert demo.model.damping_iters == demo.train_cfg.max_iters
    # the same labelled images per optimizer step as every demo arm
    assert demo.train_dataloader == source_only.train_dataloader
    for key in ('train_cfg', 'val_dataloader'):
        assert demo[key] == source_only[key], key


def test_add_ash_to_an_unmodified_mmseg_config_in_ten_lines():
    code = [
        line for line in FROM_MMSEG.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith('#')
    ]
    assert len(code) <= 10
    cfg = Config.fromfile(FROM_MMSEG)
    assert cfg.model.type == 'mmasm.ASH'
    assert cfg.model.backbone.type == 'MixVisionTransformer'  # from mmseg's file
    assert cfg.optim_wrapper.optimizer.type == 'AdamW'  # mmseg's, for the segmentor
    assert cfg.model_wrapper_cfg.type == 'MMSeparateDistributedDataParallel'


class ThreeNetworks(nn.Module):
    """A stand-in with the attributes of an ASH model."""

    def __init__(self):
        super().__init__()
        self.segmentor = nn.ModuleDict(
            dict(backbone=nn.Conv2d(3, 4, 1), decode_head=nn.Conv2d(4, 2, 1)))
        self.hallucinator = nn.Conv2d(2, 2, 1)
        self.discriminator = nn.Conv2d(2, 1, 1)


def build_wrappers(optim_wrapper: dict) -> OptimWrapperDict:
    cfg = dict(optim_wrapper)
    cfg.pop('constructor')
    paramwise_cfg = cfg.pop('paramwise_cfg',
                            None)  # as mmengine's build_optim_wrapper
    return MultiNetworkOptimWrapperConstructor(cfg, paramwise_cfg)(
        ThreeNetworks())


def test_merged_optim_wrapper_trains_the_segmentor_with_the_configs_own_keys():
    cfg = Config.fromfile(FROM_MMSEG).optim_wrapper
    wrappers = build_wrappers(cfg)
    assert set(
        wrappers.keys()) == {'segmentor', 'hallucinator', 'discriminator'}
    segmentor = wrappers['segmentor'].optimizer
    assert type(segmentor).__name__ == 'AdamW'
    # mmseg's paramwise_cfg: the head learns 10x faster
    assert sorted({g['lr']
                   for g in segmentor.param_groups
                   }) == pytest.approx([6e-5, 6e-4])
    assert type(wrappers['hallucinator'].optimizer).__name__ == 'SGD'
    assert type(wrappers['discriminator'].optimizer).__name__ == 'Adam'
    with pytest.raises(
            ValueError, match='both top-level wrapper keys.*segmentor'):
        build_wrappers(dict(cfg, segmentor=dict(cfg.hallucinator)))
    with pytest.raises(
            ValueError,
            match=r"top-level keys \['clip_grad'\].*no `optimizer`"):
        build_wrappers(
            dict(
                without(cfg,
                        ('type', 'optimizer', 'paramwise_cfg', '_scope_')),
                segmentor=dict(cfg.hallucinator),
                clip_grad=None))


def test_amp_turns_every_network_wrapper_into_an_amp_wrapper(monkeypatch):
    cfg = Config.fromfile(FROM_MMSEG)
    monkeypatch.setattr(mmseg_tools, 'amp_device_available', lambda: True)
    mmseg_tools.enable_amp(cfg)
    for wrapper in (cfg.optim_wrapper, cfg.optim_wrapper.hallucinator,
                    cfg.optim_wrapper.discriminator):
        assert (wrapper.type, wrapper.loss_scale) == ('AmpOptimWrapper',
                                                      'dynamic')
    assert 'ChannelsLastHook' not in str(cfg.get('custom_hooks'))


def test_amp_without_a_gpu_turns_every_network_wrapper_into_a_bf16_wrapper(
        monkeypatch):
    cfg = Config.fromfile(FROM_MMSEG)
    monkeypatch.setattr(mmseg_tools, 'amp_device_available', lambda: False)
    mmseg_tools.enable_amp(cfg)
    mmseg_tools.enable_amp(cfg)  # idempotent
    for wrapper in (cfg.optim_wrapper, cfg.optim_wrapper.hallucinator,
                    cfg.optim_wrapper.discriminator):
        assert wrapper.type == 'mmasm.BF16OptimWrapper' and 'loss_scale' not in wrapper
    assert [h.type
            for h in cfg.custom_hooks].count('mmasm.ChannelsLastHook') == 1


def authors_lr(base_lr: float, iteration: int) -> float:
    """ASH's ``adjust_learning_rate(_D)``: linear warm-up over 5k iterations,
    then poly 0.9 over 100k, for all three optimizers."""
    if iteration < 5000:
        return base_lr * iteration / 5000
    return base_lr * (1 - iteration / 100000)**0.9


def test_paper_config_warms_up_and_decays_every_network_as_the_authors():
    cfg = Config.fromfile(
        CONFIGS / 'ash' /
        'deeplabv2_r101-d8_ash_1xb1-100k_gta5-to-cityscapes-960x480.py')
    wrappers = build_wrappers(dict(cfg.optim_wrapper, paramwise_cfg=None))
    chains = cfg.param_scheduler
    for name in ('segmentor', 'hallucinator', 'discriminator'):
        optimizer = wrappers[name].optimizer
        base = optimizer.param_groups[0]['lr']
        chain = chains[name] if isinstance(chains, dict) else chains
        schedulers = [
            PARAM_SCHEDULERS.build(dict(s, optimizer=optimizer)) for s in chain
        ]
        lrs = {}
        for iteration in range(6001):
            lrs[iteration] = optimizer.param_groups[0]['lr']
            for scheduler in schedulers:
                scheduler.step()
        assert lrs[0] < 1e-5 * base, name  # warm-up from 0
        for iteration in (1000, 2500,
                          4999):  # mmasm's warm-up is times poly (>= 0.95)
            ratio = lrs[iteration] / authors_lr(base, iteration)
            assert 0.95 < ratio <= 1.0, (name, iteration)
        for iteration in (5000, 6000):
            assert lrs[iteration] == pytest.approx(
                authors_lr(base, iteration), rel=1e-6), name

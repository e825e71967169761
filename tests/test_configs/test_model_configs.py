"""mmasm's model, schedule and dataset base configs load, merge and build."""
import os.path as osp
from pathlib import Path

import mmseg
import pytest
import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper, build_optim_wrapper
from mmengine.registry import PARAM_SCHEDULERS, init_default_scope
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

import mmasm  # noqa: F401
from mmasm.registry import MODELS

init_default_scope('mmasm')

BASE = Path(__file__).resolve().parents[2] / 'configs' / '_base_'
DEEPLAB = BASE / 'models' / 'deeplabv2_r101-d8.py'
SEGFORMER = BASE / 'models' / 'segformer_mit-b5_asm.py'
SCHEDULE = BASE / 'schedules' / 'asm_sgd_poly_100k.py'
DATASETS = [
    BASE / 'datasets' / 'gta5_to_cityscapes_1shot.py',
    BASE / 'datasets' / 'synthia_to_cityscapes_1shot.py'
]
MMSEG_RUNTIME = osp.join(
    osp.dirname(mmseg.__file__), '.mim', 'configs', '_base_',
    'default_runtime.py')


def build_offline(path, size=(32, 32), init_weights=True):
    """Build a model config with pretrained downloads disabled."""
    cfg = Config.fromfile(str(path))
    cfg.model.backbone.init_cfg = None
    cfg.model.data_preprocessor.size = size
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    if init_weights:
        model.init_weights()
    return model


def train_batch(n, size=(32, 32), num_classes=19):
    gen = torch.Generator().manual_seed(0)
    samples = []
    for i in range(n):
        sample = SegDataSample()
        sample.gt_sem_seg = PixelData(
            data=torch.randint(0, num_classes, (1, ) + size, generator=gen))
        sample.set_metainfo(
            dict(
                img_path=f'{i}.png',
                content_id=0,
                img_shape=size,
                ori_shape=size))
        samples.append(sample)
    inputs = [
        torch.randint(0, 256, (3, ) + size, dtype=torch.uint8, generator=gen)
        for _ in range(n)
    ]
    return dict(inputs=inputs, data_samples=samples)


def forward_backward(model):
    model.train()
    data = model.data_preprocessor(train_batch(2), True)
    losses = model.loss(data['inputs'], data['data_samples'])
    assert losses['loss_consistency'] > 0
    total, _ = model.parse_losses(losses)
    total.backward()
    return losses


def test_deeplabv2_config_is_the_papers_model():
    cfg = Config.fromfile(str(DEEPLAB))
    assert cfg.model.backbone.init_cfg.checkpoint == cfg.pretrained_backbone
    model = build_offline(DEEPLAB)
    backbone = model.backbone
    assert type(model).__name__ == 'ASMEncoderDecoder'
    assert backbone.depth == 101 and backbone.style == 'caffe'
    # layer3 dilation 2, layer4 dilation 4, output stride 8
    assert backbone.layer3[0].conv2.dilation == (2, 2)
    assert backbone.layer4[-1].conv2.dilation == (4, 4)
    assert backbone.layer4[0].conv1.stride == (1, 1)
    assert backbone.layer2[0].conv1.stride == (2, 2)  # caffe: stride on 1x1
    model.train()
    bns = [
        m for m in backbone.modules() if isinstance(m, torch.nn.BatchNorm2d)
    ]
    assert bns and all(not m.training for m in bns)
    assert all(not p.requires_grad for m in bns for p in m.parameters())
    head = model.decode_head
    assert head.dilations == (6, 12, 18, 24) and head.in_channels == 2048
    assert model.consistency_weight == 2e-4
    preprocessor = model.data_preprocessor
    torch.testing.assert_close(preprocessor.mean.flatten(),
                               torch.tensor([104.008, 116.669, 122.679]))
    assert not preprocessor._channel_conversion  # BGR in, BGR to the net
    losses = forward_backward(model)
    assert losses['decode.loss_ce'] > 0
    assert head.conv_seg.convs[0].weight.grad.abs().sum() > 0
    assert backbone.layer4[0].conv1.weight.grad.abs().sum() > 0


def test_segformer_b5_config_builds_and_trains():
    # (mmengine's init log of 82M parameters would dominate the runtime)
    model = build_offline(SEGFORMER, init_weights=False)
    assert model.backbone.num_layers == [3, 6, 40, 3]
    assert type(model.decode_head).__name__ == 'SegformerHead'
    assert type(model).__name__ == 'ASMEncoderDecoder'
    # forward/backward with B5's widths but one block per stage: the
    # wiring is the same, the 40-block backward is not worth its seconds
    cfg = Config.fromfile(str(SEGFORMER))
    cfg.model.backbone.update(init_cfg=None, num_layers=[1, 1, 1, 1])
    cfg.model.data_preprocessor.size = (32, 32)
    torch.manual_seed(0)
    forward_backward(MODELS.build(cfg.model))


def test_schedule_is_the_authors_sgd_poly_with_10x_classifier():
    cfg = Config.fromfile(str(SCHEDULE))
    torch.manual_seed(0)
    model = MODELS.build(
        dict(
            type='ASMEncoderDecoder',
            backbone=dict(
                type='ResNet', depth=18, stem_channels=8, base_channels=8),
            decode_head=dict(
                type='DeepLabV2Head',
                in_channels=64,
                in_index=3,
                num_classes=3)))
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    head_params = {id(p) for p in model.decode_head.parameters()}
    for group in optim.param_groups:
        in_head = id(group['params'][0]) in head_params
        assert group['lr'] == pytest.approx(2.5e-3 if in_head else 2.5e-4)
        assert group['momentum'] == 0.9
        assert group['weight_decay'] == pytest.approx(5e-4)
    # the lr shape, on a one-group optimizer (cheap to step 90k times)
    param = torch.nn.Parameter(torch.zeros(1))
    sgd = OptimWrapper(torch.optim.SGD([param], lr=cfg.optimizer.lr))
    schedulers = [
        PARAM_SCHEDULERS.build(dict(s, optimizer=sgd))
        for s in cfg.param_scheduler
    ]
    observed = {}
    checkpoints = (1, 2500, 5000, 20000, 50000, 90000)
    for it in range(max(checkpoints) + 1):
        if it in checkpoints:
            observed[it] = sgd.param_groups[0]['lr']
        for scheduler in schedulers:
            scheduler.step()
    start = cfg.param_scheduler[0].start_factor
    for it, lr in observed.items():
        warmup = start + (1 - start) * min(it / 5000, 1.0)
        expected = 2.5e-4 * warmup * (1 - it / 100000)**0.9
        assert lr == pytest.approx(expected, rel=1e-3), it
    assert cfg.train_cfg.max_iters == 100000


def test_dataset_model_schedule_and_runtime_bases_merge(tmp_path):
    for dataset in DATASETS:
        experiment = tmp_path / f'{dataset.stem}_experiment.py'
        bases = [str(DEEPLAB), str(dataset), str(SCHEDULE), MMSEG_RUNTIME]
        experiment.write_text(
            f'_base_ = {bases!r}\n'
            'model = dict(data_preprocessor=dict(size={{_base_.crop_size}}))'
            '\n')
        cfg = Config.fromfile(str(experiment))
        assert cfg.model.type == 'ASMEncoderDecoder'
        assert cfg.model.data_preprocessor.size == (480, 960)
        assert cfg.train_dataloader.batch_size == 1
        assert cfg.one_shot_image.endswith(
            'train/aachen/aachen_000000_000019_leftImg8bit.png')


def test_bases_train_and_validate_in_mmengines_runner(tmp_path, gta5_root,
                                                      cityscapes_root):
    from mmengine.runner import Runner

    from mmasm.datasets.gta5 import convert_label_dir, gta5_label_to_train_ids
    convert_label_dir(str(gta5_root / 'labels'), gta5_label_to_train_ids)
    experiment = tmp_path / 'experiment.py'
    bases = [str(DEEPLAB), str(DATASETS[0]), str(SCHEDULE), MMSEG_RUNTIME]
    experiment.write_text(f'_base_ = {bases!r}\ndefault_scope = "mmasm"\n')
    cfg = Config.fromfile(str(experiment))
    # a tiny backbone instead of ResNet-101, two iterations, no workers
    cfg.model.backbone.update(
        depth=18, stem_channels=8, base_channels=8, init_cfg=None)
    cfg.model.decode_head.in_channels = 64
    cfg.model.data_preprocessor.size = cfg.crop_size
    cfg.train_cfg.update(max_iters=2, val_interval=2)
    for loader, root in ((cfg.train_dataloader, gta5_root),
                         (cfg.val_dataloader, cityscapes_root)):
        loader.update(num_workers=0, persistent_workers=False)
        loader.dataset.data_root = str(root)
    cfg.test_dataloader = cfg.val_dataloader
    cfg.work_dir = str(tmp_path / 'work')
    cfg.env_cfg.cudnn_benchmark = False
    cfg.default_hooks.logger.interval = 1
    # mmengine's visualizer is one instance per name in a process: a name of
    # its own, or it writes into an earlier test's run folder
    cfg.visualizer.name = f'visualizer_{tmp_path.name}'
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.iter == 2
    lrs = runner.optim_wrapper.get_lr()['lr']
    assert max(lrs) == pytest.approx(10 * min(lrs))  # 10x classifier lr
    scalars = (Path(cfg.work_dir) / runner.timestamp / 'vis_data' /
               'scalars.json').read_text()
    assert '"mIoU"' in scalars and '"decode.loss_ce"' in scalars

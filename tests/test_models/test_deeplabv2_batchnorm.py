"""DeepLab-v2's BatchNorm: mmasm's frozen BN and the ASM authors' train-mode BN."""
import pytest
import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from mmasm.registry import MODELS
from mmasm.utils import mmasm_config_root


def deeplabv2(norm_eval):
    """The DeepLab-v2 base config, made small: ResNet-18 depth, no weights."""
    model = Config.fromfile(
        f'{mmasm_config_root()}/_base_/models/deeplabv2_r101-d8.py').model
    model.backbone.update(depth=18, init_cfg=None, norm_eval=norm_eval)
    model.decode_head.in_channels = 512
    model.data_preprocessor.size = (32, 48)
    torch.manual_seed(0)
    return MODELS.build(model)


def batch(num=2, size=(32, 48)):
    gen = torch.Generator().manual_seed(0)
    inputs = [
        torch.randint(0, 256, (3, *size), generator=gen, dtype=torch.uint8)
        for _ in range(num)
    ]
    samples = []
    for _ in range(num):
        sample = SegDataSample(metainfo=dict(img_shape=size, ori_shape=size))
        sample.gt_sem_seg = PixelData(
            data=torch.randint(0, 19, (1, *size), generator=gen))
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)


def bn_state(model):
    return {
        name: value.clone()
        for name, value in model.backbone.state_dict().items()
        if 'bn' in name or 'downsample.1' in name
    }


@pytest.mark.parametrize('norm_eval', [True, False])
def test_bn_statistics_and_affine_weights_after_a_train_iteration(norm_eval):
    model = deeplabv2(norm_eval)
    model.train()
    optim = OptimWrapper(
        torch.optim.SGD(
            model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4))
    before = bn_state(model)
    conv_before = model.backbone.conv1.weight.clone()
    model.train_step(batch(), optim)
    after = bn_state(model)
    assert not torch.equal(model.backbone.conv1.weight,
                           conv_before)  # it trained
    for name, value in before.items():
        if name.endswith(('weight', 'bias')):  # frozen affine in both modes
            assert torch.equal(after[name], value), name
        elif name.endswith(('running_mean', 'running_var')):
            # norm_eval=False (the authors'): the batch statistics update them
            assert torch.equal(after[name], value) == norm_eval, name
    assert all(not m.training for m in model.backbone.modules()
               if isinstance(m, torch.nn.BatchNorm2d)) == norm_eval

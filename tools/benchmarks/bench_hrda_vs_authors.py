"""mmasm's HRDA head side by side with the authors' (lhoyer/HRDA).

Imports the authors' ``HRDAHead`` and ``DAFormerHead`` (mmseg 0.16 /
mmcv 1.x code) from a local checkout (``side_by_side/hrda_authors_import``:
shim modules for the few imports that mmseg 1.x / mmcv 2.x no longer
have), builds both heads with
the same weights, and compares on the same inputs and crop box: fused /
context / detail logits, the scale attention, the fused and detail losses
with pixel weights, the gradients of every parameter and of the features,
the sliding-window detail inference, the authors' segmentor inference
(``encode_decode``) against mmasm's, and the offsets their crop draw can
reach. Nothing of the authors' is stored in mmasm.

    git --git-dir=<lhoyer/HRDA bare> archive HEAD | tar -x -C /tmp/hrda_src
    python -m tools.benchmarks.bench_hrda_vs_authors /tmp/hrda_src
    python -m tools.benchmarks.bench_hrda_vs_authors /tmp/hrda_src \\
        --save-golden tests/data/hrda_golden.pt

``--save-golden`` writes the authors' outputs on the fixed inputs (plain
tensors, loadable with ``weights_only=True``) for
tests/test_models/test_hrda_golden.py, which checks mmasm against them
without the authors' code.
"""
import argparse
import sys
import types

import torch

from tools.benchmarks.side_by_side.hrda_authors_import import load_authors_hrda

NUM_CLASSES, CHANNELS = 5, 4
IN_CHANNELS = [4, 8]
BOX = (8, 24, 0, 16)  # (y1, y2, x1, x2) of a 16x16 detail crop of 32x32
#: mmasm's HRDA head config matching ``authors_head`` below.
MMASM_HEAD = dict(
    type='HRDAHead',
    single_scale_head=dict(
        type='DAFormerHead',
        in_channels=IN_CHANNELS,
        in_index=[0, 1],
        embed_dims=CHANNELS,
        channels=CHANNELS,
        dilations=(1, 2),
        dropout_ratio=0.0,
        num_classes=NUM_CLASSES,
        norm_cfg=dict(type='BN', requires_grad=True),
        align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', loss_weight=1.0)),
    attention_embed_dim=CHANNELS,
    hr_loss_weight=0.1,
    scales=(0.5, 1.0))


# -- the two heads with the same weights -----------------------------------
def authors_head(module) -> torch.nn.Module:
    """The authors' HRDA head with DAFormer's decoder, as their
    ``gtaHR2csHR_hrda`` config builds it, at tiny width."""
    norm_cfg = dict(type='BN', requires_grad=True)
    return module.HRDAHead(
        single_scale_head='DAFormerHead',
        attention_classwise=True,
        hr_loss_weight=0.1,
        scales=[0.5, 1],
        enable_hr_crop=True,
        hr_slide_inference=True,
        attention_embed_dim=CHANNELS,
        in_channels=IN_CHANNELS,
        in_index=[0, 1],
        channels=CHANNELS,
        dropout_ratio=0.0,
        num_classes=NUM_CLASSES,
        norm_cfg=norm_cfg,
        align_corners=False,
        decoder_params=dict(
            embed_dims=CHANNELS,
            embed_cfg=dict(type='mlp', act_cfg=None, norm_cfg=None),
            embed_neck_cfg=dict(type='mlp', act_cfg=None, norm_cfg=None),
            fusion_cfg=dict(
                type='aspp',
                sep=True,
                dilations=(1, 2),
                pool=False,
                act_cfg=dict(type='ReLU'),
                norm_cfg=norm_cfg)),
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0))


def to_mmasm_state(state: dict) -> dict:
    """The authors' HRDA head parameters under mmasm's names: the MLP
    embeddings become 1x1 convolutions, the ASPP wrapper's modules
    mmasm's ``fusion`` / ``bottleneck``."""
    converted = {}
    for key, value in state.items():
        key = key.replace('.proj.', '.')
        if '.embed_layers.' in key and key.endswith('weight'):
            value = value[:, :, None, None]
        key = key.replace('fuse_layer.aspp_modules.', 'fusion.')
        key = key.replace('fuse_layer.bottleneck.', 'bottleneck.')
        converted[key] = value
    return converted


# -- the comparison -----------------------------------------------------
def fixed_inputs(seed: int = 0) -> dict:
    """Features of a 32x32 image's 0.5 context and of its ``BOX`` detail
    crop (two levels, strides 4 and 8), sliding detail windows, a label
    and pixel weights."""
    gen = torch.Generator().manual_seed(seed)

    def features(batch, size):
        return [
            torch.randn(batch, c, size // s, size // s, generator=gen)
            for c, s in zip(IN_CHANNELS, (4, 8))
        ]

    label = torch.randint(0, NUM_CLASSES, (1, 1, 32, 32), generator=gen)
    label[:, :, :2] = 255
    return dict(
        context=features(1, 16),
        detail=features(1, 16),
        windows=features(9, 16),
        label=label,
        weight=torch.rand(1, 32, 32, generator=gen),
        box=torch.tensor(BOX))


def window_boxes():
    from mmasm.models.segmentors.hrda_encoder_decoder import sliding_boxes
    return sliding_boxes(32, 32, (16, 16), (8, 8))


def flat(grads: dict) -> torch.Tensor:
    """Parameter gradients as one vector, in sorted name order."""
    return torch.cat([grads[name].flatten() for name in sorted(grads)])


def run_authors(head, inputs: dict) -> dict:
    """The authors' forward, attention, losses, gradients and sliding
    detail inference."""
    head.train()
    head.debug_output = {}  # their segmentor resets it before each forward
    feats = [[f.clone().requires_grad_() for f in inputs[k]]
             for k in ('context', 'detail')]
    head.set_hr_crop_box(tuple(int(v) for v in inputs['box']))
    fused, lr_seg, hr_seg = head.forward(feats)
    att = head.get_scale_attention(feats[0])
    losses = head.losses((fused, lr_seg, hr_seg), inputs['label'],
                         inputs['weight'])
    head.reset_crop()
    total = losses['loss_seg'] + losses['hr.loss_seg']
    grads = torch.autograd.grad(total,
                                [*head.parameters(), *feats[0], *feats[1]])
    names = [n for n, _ in head.named_parameters()]
    with torch.no_grad():
        head.eval()
        slide = head.forward([
            inputs['context'],
            dict(
                features=inputs['windows'],
                boxes=[list(b) for b in window_boxes()])
        ])
    return dict(
        fused=fused.detach(),
        context=lr_seg.detach(),
        detail=hr_seg.detach(),
        attention=att.detach(),
        loss_fused=losses['loss_seg'].detach(),
        loss_detail=losses['hr.loss_seg'].detach(),
        param_grads=flat(to_mmasm_state(dict(zip(names, grads)))),
        feature_grads=list(grads[len(names):]),
        slide_fused=slide[0])


def run_mmasm(head, inputs: dict) -> dict:
    """The same with mmasm's head (losses through its sampler hook)."""
    from mmengine.structures import PixelData
    from mmseg.structures import SegDataSample

    from mmasm.models.decode_heads import DetailWindows
    from mmasm.models.utils import pixel_weighted_losses
    head.train()
    feats = [[f.clone().requires_grad_() for f in inputs[k]]
             for k in ('context', 'detail')]
    box = tuple(int(v) for v in inputs['box'])
    fused, lr_seg, hr_seg = head.forward(feats, box)
    att = head.scale_attention_map(feats[0])
    samples = []
    for label in inputs['label']:
        sample = SegDataSample()
        sample.gt_sem_seg = PixelData(data=label)
        samples.append(sample)
    carrier = types.SimpleNamespace(decode_head=head)
    with pixel_weighted_losses(carrier, inputs['weight']):
        losses = head.loss_by_feat((fused, lr_seg, hr_seg), samples, box)
    total = losses['loss_ce'] + losses['hr.loss_ce']
    names = [n for n, _ in head.named_parameters()]
    grads = torch.autograd.grad(total,
                                [*head.parameters(), *feats[0], *feats[1]])
    with torch.no_grad():
        head.eval()
        slide = head.forward([
            inputs['context'],
            DetailWindows(inputs['windows'], window_boxes())
        ])
    return dict(
        fused=fused.detach(),
        context=lr_seg.detach(),
        detail=hr_seg.detach(),
        attention=att.detach(),
        loss_fused=losses['loss_ce'].detach(),
        loss_detail=losses['hr.loss_ce'].detach(),
        param_grads=flat(dict(zip(names, grads))),
        feature_grads=list(grads[len(names):]),
        slide_fused=slide[0])


def flat_state(state: dict) -> torch.Tensor:
    """The floating-point entries of ``state`` as one vector, in sorted
    name order (a small fixture; :func:`unflatten_state` reverses it)."""
    return torch.cat([
        state[k].flatten() for k in sorted(state)
        if state[k].is_floating_point()
    ])


def unflatten_state(vector: torch.Tensor, like: dict) -> dict:
    """``like`` (a head's state dict) with its floating-point entries
    taken from ``vector`` in sorted name order."""
    state, offset = dict(like), 0
    for key in sorted(like):
        if like[key].is_floating_point():
            size = like[key].numel()
            state[key] = vector[offset:offset + size].view_as(like[key])
            offset += size
    if offset != vector.numel():
        raise ValueError(f'{vector.numel()} values for a state of {offset}')
    return state


def build_mmasm_head(state: dict):
    from mmengine.registry import init_default_scope

    from mmasm.registry import MODELS
    init_default_scope('mmasm')
    head = MODELS.build(MMASM_HEAD)
    if state is not None:
        head.load_state_dict(state)
    return head


def max_differences(expected: dict, actual: dict) -> dict:
    """The largest absolute difference of each compared quantity."""
    out = {}
    for key, value in expected.items():
        if isinstance(value, list):
            out[key] = max(
                float((v - a).abs().max()) for v, a in zip(value, actual[key]))
        else:
            out[key] = float((value - actual[key]).abs().max())
    return out


TINY_MIT = dict(
    type='MixVisionTransformer',
    in_channels=3,
    embed_dims=4,
    num_stages=2,
    num_layers=[1, 1],
    num_heads=[1, 2],
    patch_sizes=[7, 3],
    strides=[4, 2],
    sr_ratios=[4, 2],
    out_indices=(0, 1),
    mlp_ratio=2,
    qkv_bias=True)


def compare_segmentor_inference(theirs, state: dict) -> dict:
    """The authors' ``HRDAEncoderDecoder.encode_decode`` (context at 0.5,
    overlapping 16x16 detail windows, fusion, resize) called on a namespace
    holding a tiny MiT and their head, against mmasm's segmentor with the
    same weights (their state after the training forward, BN statistics
    included), on a 32x48 image; and whether their ``get_crop_bbox`` and
    mmasm's ``random_crop_box`` reach different offsets (1) or the same (0)
    over 2000 draws."""
    import functools

    import numpy as np
    from mmengine.registry import init_default_scope

    from mmasm.models.segmentors.hrda_encoder_decoder import random_crop_box
    from mmasm.registry import MODELS
    init_default_scope('mmasm')
    torch.manual_seed(1)
    ours = MODELS.build(
        dict(
            type='HRDAEncoderDecoder',
            backbone=TINY_MIT,
            decode_head=MMASM_HEAD,
            hr_crop_size=(16, 16),
            test_cfg=dict(mode='whole'))).eval()
    ours.decode_head.load_state_dict(state)
    theirs.eval()
    theirs.debug = False
    segmentor = sys.modules[
        'hrda_authors.models.segmentors.hrda_encoder_decoder']
    namespace = types.SimpleNamespace(
        scales=[0.5, 1],
        blur_hr_crop=False,
        hr_slide_inference=True,
        hr_slide_overlapping=True,
        crop_size=(16, 16),
        align_corners=False,
        decode_head=theirs,
        extract_unscaled_feat=ours.extract_feat,
        _decode_head_forward_test=lambda x, metas: theirs.forward_test(
            x, metas, None))
    for name in ('resize', 'extract_slide_feat'):
        setattr(
            namespace, name,
            functools.partial(
                getattr(segmentor.HRDAEncoderDecoder, name), namespace))
    image = torch.randn(
        1, 3, 32, 48, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        expected = segmentor.HRDAEncoderDecoder.encode_decode(
            namespace, image, None)
        actual = ours.encode_decode(image, None)
    np.random.seed(0)
    their_offsets = {
        segmentor.get_crop_bbox(64, 96, (32, 32), 8)[::2]
        for _ in range(2000)
    }
    gen = torch.Generator().manual_seed(0)
    our_offsets = {
        random_crop_box(64, 96, (32, 32), 8, gen)[::2]
        for _ in range(2000)
    }
    return dict(
        segmentor_inference=float((expected - actual).abs().max()),
        crop_offsets_differ=float(their_offsets != our_offsets))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('hrda_src', help='checkout of lhoyer/HRDA')
    parser.add_argument('--save-golden', help='write the golden fixture')
    parser.add_argument('--tolerance', type=float, default=1e-5)
    args = parser.parse_args()
    import mmasm  # noqa: F401  (registers mmasm's heads)
    torch.manual_seed(0)
    theirs = authors_head(load_authors_hrda(args.hrda_src))
    inputs = fixed_inputs()
    # a copy: the training forward updates the BN statistics in place
    state = {
        k: v.clone()
        for k, v in to_mmasm_state(theirs.state_dict()).items()
    }
    ours = build_mmasm_head(state)
    expected = run_authors(theirs, inputs)
    differences = max_differences(expected, run_mmasm(ours, inputs))
    differences.update(
        compare_segmentor_inference(theirs,
                                    to_mmasm_state(theirs.state_dict())))
    for key, value in differences.items():
        print(f'{key:14s} max |authors - mmasm| = {value:.2e}')
    if args.save_golden:
        stored = dict(inputs, label=inputs['label'].to(torch.uint8))
        golden = dict(
            inputs=stored, state=flat_state(state), expected=expected)
        torch.save(golden, args.save_golden)
        print(f'golden values written to {args.save_golden}')
    worst = max(differences.values())
    print(f'{"agree" if worst <= args.tolerance else "DIFFER"} to '
          f'{args.tolerance:g} (worst {worst:.2e})')
    sys.exit(0 if worst <= args.tolerance else 1)


if __name__ == '__main__':
    main()

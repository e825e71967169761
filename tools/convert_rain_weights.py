"""Convert RAIN weights into one mmasm RAIN checkpoint (a plain state dict).

Published RAIN weights (the authors' four nn.Sequential state dicts)::

    python tools/convert_rain_weights.py convert --vgg vgg_normalised.pth \
        --decoder decoder.pth --fc-encoder fc_encoder.pth \
        --fc-decoder fc_decoder.pth --out rain.pth

Encoder from an ImageNet VGG-19 instead (e.g. to pretrain RAIN yourself)::

    python tools/convert_rain_weights.py convert \
        --imagenet-vgg vgg19-dcbb9e9d.pth --imagenet-layout torchvision \
        --out rain_vgg_imagenet.pth

Plain state dict out of an mmengine Runner checkpoint of RAIN pretraining::

    python tools/convert_rain_weights.py export iter_160000.pth rain.pth
"""
import argparse
import os
import os.path as osp
import sys

import torch

from mmasm.models.rain.convert import (IMAGENET_LAYOUTS, convert_rain_weights,
                                       export_runner_checkpoint)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest='command', required=True)
    conv = sub.add_parser('convert', help='published / ImageNet weights')
    conv.add_argument('--vgg', help="the authors' vgg_normalised.pth")
    conv.add_argument('--decoder', help="the authors' decoder.pth")
    conv.add_argument('--fc-encoder', help="the authors' fc_encoder.pth")
    conv.add_argument('--fc-decoder', help="the authors' fc_decoder.pth")
    conv.add_argument(
        '--imagenet-vgg',
        help='an ImageNet VGG-19 checkpoint for the encoder, '
        'instead of --vgg')
    conv.add_argument(
        '--imagenet-layout',
        default='torchvision',
        choices=sorted(IMAGENET_LAYOUTS))
    conv.add_argument('--out', required=True, help='output .pth file')
    exp = sub.add_parser('export', help='Runner checkpoint -> state dict')
    exp.add_argument('src', help='mmengine Runner checkpoint')
    exp.add_argument('out', help='output .pth file')
    exp.add_argument(
        '--trusted',
        action='store_true',
        help='unpickle fully (weights_only=False); only for '
        'files of known origin that the safe loader refuses')
    return parser.parse_args()


def save(state, out):
    if osp.dirname(out):
        os.makedirs(osp.dirname(out), exist_ok=True)
    torch.save(state, out)
    print(f'saved {len(state)} tensors to {out}')


def main():
    args = parse_args()
    if args.command == 'export':
        save(export_runner_checkpoint(args.src, args.trusted), args.out)
        return
    state, report = convert_rain_weights(
        vgg=args.vgg,
        decoder=args.decoder,
        fc_encoder=args.fc_encoder,
        fc_decoder=args.fc_decoder,
        imagenet_vgg=args.imagenet_vgg,
        imagenet_layout=args.imagenet_layout)
    print(f'parts: {", ".join(report["parts"])}')
    if report['vae_depth']:
        print(f'style VAE depth: {report["vae_depth"]} (build '
              f'RAIN(vae_depth={report["vae_depth"]}) to load it)')
    if report['dropped']:
        print(f'dropped {len(report["dropped"])} unused keys: '
              f'{", ".join(report["dropped"])}')
    if 'decoder' not in report['parts'] or 'style_vae' not in report['parts']:
        print('partial checkpoint: load it with '
              'load_rain_checkpoint(rain, file, strict=False)')
    save(state, args.out)


if __name__ == '__main__':
    try:
        main()
    except (FileNotFoundError, ValueError) as err:
        sys.exit(f'error: {err}')

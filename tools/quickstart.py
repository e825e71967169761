"""The one-command demo: RAIN on mmasm's own sim-to-real domain pair.

    python tools/quickstart.py [--work-dir work_dirs/quickstart] [--data data/demo]

1. renders the demo domain pair (game-like source, photo-like target, style
   images) into ``--data`` unless it is there already;
2. pretrains a small RAIN on source content + style images with the
   mmengine Runner (``configs/rain/rain_tiny_cpu.py``), or reuses it;
3. stylizes source images with random styles and with styles sampled around
   the one-shot target's anchor (``eps ~ N(psi, xi)``, what ASM starts from);
4. writes ``WORK_DIR/report.md`` with the pictures and the loss figures.

Everything runs on the CPU; progress is logged as it goes.
"""
import argparse
import glob
import json
import os.path as osp
import sys
import time

import torch
from torchvision.utils import save_image

HERE = osp.dirname(osp.abspath(__file__))
sys.path.insert(0, HERE)

import mmasm  # noqa: E402,F401
from mmasm.apis import compute_anchor, load_rain, read_rgb, stylize  # noqa: E402
from mmasm.datasets.demo_domains import make_demo_domains  # noqa: E402

REPO = osp.dirname(HERE)
RAIN_CONFIG = osp.join(REPO, 'configs', 'rain', 'rain_tiny_cpu.py')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', default='work_dirs/quickstart')
    parser.add_argument('--data', default='data/demo', help='demo domain pair folder')
    parser.add_argument('--rain-iters', type=int, default=600,
                        help='RAIN pretraining iterations')
    parser.add_argument('--num-images', type=int, default=4, help='source images to show')
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(f'[quickstart {time.strftime("%H:%M:%S")}] {message}', flush=True)


def demo_domains(data: str):
    if osp.isfile(osp.join(data, 'meta.json')):
        log(f'reusing the demo domain pair in {data}')
        with open(osp.join(data, 'meta.json')) as f:
            meta = json.load(f)
        return (osp.join(data, 'source'), osp.join(data, 'style'),
                osp.join(data, 'target', meta['target']['one_shot_image']))
    log(f'rendering the demo domain pair into {data} ...')
    domains = make_demo_domains(data, preview=True)
    return domains.source, domains.style, domains.one_shot_image


def pretrain_rain(work_dir: str, source: str, style: str, iters: int) -> str:
    exported = osp.join(work_dir, 'rain_final.pth')
    if osp.isfile(exported):
        log(f'reusing the pretrained RAIN {exported}')
        return exported
    import train_rain
    log(f'pretraining RAIN for {iters} iterations (losses every 10) ...')
    train_rain.main([
        RAIN_CONFIG, '--work-dir', work_dir, '--cfg-options',
        f'train_dataloader.dataset.content.data_root={source}/images',
        f'train_dataloader.dataset.style.data_root={style}',
        f'train_cfg.max_iters={iters}', 'log_level=WARNING'])
    return exported


def loss_figures(rain_dir: str) -> str:
    """First and last logged RAIN losses from the Runner's scalars.json."""
    runs = sorted(glob.glob(f'{rain_dir}/*/vis_data/scalars.json'))
    if not runs:
        return 'no RAIN training log (reused weights)'
    with open(runs[-1]) as f:
        rows = [json.loads(line) for line in f if '"loss"' in line]
    keys = ('loss', 'loss_content', 'loss_style', 'loss_kl', 'loss_rec')
    lines = ['| iteration | ' + ' | '.join(keys) + ' |', '|---' * (len(keys) + 1) + '|']
    for row in (rows[0], rows[-1]):
        lines.append(f"| {row['iter']} | " + ' | '.join(f'{row[k]:.3f}' for k in keys) + ' |')
    return '\n'.join(lines)


def stylization_grid(rain_path, source, one_shot, out_path, num_images, seed):
    rain = load_rain(rain_path)
    images = sorted(glob.glob(f'{source}/images/*.png'))[:num_images]
    content = torch.stack([read_rgb(p) for p in images])
    anchor = compute_anchor(rain, one_shot)
    generator = torch.Generator().manual_seed(seed)
    rows = [content]
    rows += [stylize(rain, content, 'random', generator=generator).clamp(0, 1) for _ in range(2)]
    rows += [stylize(rain, content, 'anchored', anchor=anchor, generator=generator).clamp(0, 1)
             for _ in range(2)]
    target = read_rgb(one_shot)
    rows.append(torch.nn.functional.interpolate(target[None], content.shape[-2:]).expand_as(content))
    save_image(torch.cat(rows), out_path, nrow=len(images), padding=2)


REPORT = """# mmasm quickstart

## The demo domain pair

Game-like source (GTA5 layout) and photo-like target (Cityscapes layout),
rendered by `tools/make_demo_domains.py`:

![domains]({preview})

## RAIN stylization

Rows: source images; two random styles (`eps ~ N(0, I)`); two styles sampled
around the one-shot target's anchor (`eps ~ N(psi, xi)`, where ASM's search
starts); the one-shot target image itself.

![stylization](stylization.png)

RAIN pretraining ({iters} iterations of `configs/rain/rain_tiny_cpu.py`, a
randomly initialised VGG encoder since no ImageNet weights can be downloaded
here; convert the published ones with `tools/convert_rain_weights.py` for
real use):

{losses}
"""


def main(argv=None):
    args = parse_args(argv)
    start = time.time()
    source, style, one_shot = demo_domains(args.data)
    rain_dir = osp.join(args.work_dir, 'rain')
    rain_path = pretrain_rain(rain_dir, source, style, args.rain_iters)
    log('stylizing source images ...')
    stylization_grid(rain_path, source, one_shot, osp.join(args.work_dir, 'stylization.png'),
                     args.num_images, args.seed)
    preview = osp.relpath(osp.join(args.data, 'preview.png'), args.work_dir)
    with open(osp.join(args.work_dir, 'report.md'), 'w') as f:
        f.write(REPORT.format(preview=preview, iters=args.rain_iters,
                              losses=loss_figures(rain_dir)))
    log(f'done in {time.time() - start:.0f} s: {osp.join(args.work_dir, "report.md")}')


if __name__ == '__main__':
    main()

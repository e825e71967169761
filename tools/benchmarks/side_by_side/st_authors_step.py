"""The authors' DACS / DAFormer / MIC iteration, rebuilt from their own
functions around an mmseg 1.x segmentor, and mmasm's, on the same draws.

The authors' ``forward_train`` (lhoyer/DAFormer ``mmseg/models/uda/dacs.py``,
MIC's ``separatetrgaug`` masked loss) is replayed step by step: their EMA
update, pseudo-label weight and row crop, ``get_class_masks``,
``strong_transform`` (one-mix, kornia colour jitter, Gaussian blur), their
``downscale_label_ratio`` / ``masked_feat_dist`` and MIC's
``BlockMaskGenerator``. Their mmseg 0.x segmentor calls become
:class:`Segmentor0x` on the mmseg 1.x student: mmseg 0.x's decode-head
loss (``seg_weight`` times the pixel cross-entropy, averaged over all
pixels, the mmseg 0.x default).

Random decisions come from mmasm: each sample's generator (seeded by its
``draw_seed``, :meth:`DACS._generators`) is replayed in mmasm's order and
the values are planned for the authors' call sites. The authors draw the
jitter and blur decisions once per batch and mmasm once per image; the
replay calls ``strong_transform`` once per image with that image's
decisions (the same math, a different joint distribution; see the page).
"""
from copy import deepcopy
from types import SimpleNamespace

import numpy as np
import torch
import torch.nn.functional as F
from mmseg.models.utils import resize


class Segmentor0x:
    """The mmseg 0.x segmentor calls of the authors' DACS on an mmseg 1.x
    ``EncoderDecoder``."""

    def __init__(self, segmentor):
        self.net = segmentor

    def extract_feat(self, img):
        return self.net.extract_feat(img)

    def encode_decode(self, img, img_metas=None):
        out = self.net.decode_head(self.net.extract_feat(img))
        return resize(
            out,
            size=img.shape[2:],
            mode='bilinear',
            align_corners=self.net.decode_head.align_corners)

    def forward_train(self, img, gt, seg_weight=None, return_feat=False):
        feats = self.net.extract_feat(img)
        logits = resize(
            self.net.decode_head(feats),
            size=gt.shape[2:],
            mode='bilinear',
            align_corners=self.net.decode_head.align_corners)
        loss = F.cross_entropy(
            logits, gt.squeeze(1).long(), reduction='none', ignore_index=255)
        if seg_weight is not None:
            loss = loss * seg_weight
        losses = {'decode.loss_seg': loss.mean()}
        if return_feat:
            losses['features'] = feats
        return losses


def replay_draws(generators,
                 labels,
                 mmasm_model,
                 jitter_on,
                 blur_on,
                 mask_grid=None):
    """mmasm's draws of one iteration, per sample, in its order: the class
    permutation, then strong augmentation of the mixed image, then (MIC)
    strong augmentation of the target and the block-mask grid."""
    gens = [deepcopy(g) for g in generators]
    if mmasm_model.mix_classes == 'authors':
        counts = [len(torch.unique(labels))] * len(gens)
    else:
        counts = [int((torch.unique(lb) != 255).sum()) for lb in labels]
    plans = []
    for gen, n in zip(gens, counts):
        plan = dict(perm=torch.randperm(n, generator=gen)[:(n + 1) // 2])
        plan['mix_aug'] = _augment_draws(gen, jitter_on, blur_on)
        plans.append(plan)
    if mask_grid is not None:
        for gen, plan in zip(gens, plans):
            plan['mic_aug'] = _augment_draws(gen, jitter_on, blur_on)
            plan['mask'] = torch.rand(mask_grid, generator=gen)
    return plans


def _augment_draws(gen, jitter_prob, blur_prob):

    def uniform(low=0.0, high=1.0):
        return low + (high - low) * torch.rand(1, generator=gen).item()

    out = dict(jitter=None, sigma=None)
    if uniform() < jitter_prob:
        factors = [uniform(0.8, 1.2) for _ in range(3)]
        hue = uniform(-0.2, 0.2)
        out['jitter'] = dict(
            brightness_factor=torch.tensor([factors[0]]),
            contrast_factor=torch.tensor([factors[1]]),
            saturation_factor=torch.tensor([factors[2]]),
            hue_factor=torch.tensor([hue]),
            order=torch.randperm(4, generator=gen))
    if uniform() < blur_prob:
        out['sigma'] = uniform(0.15, 1.15)
    return out


class AuthorsStep:
    """The authors' iteration on a copy of the student (same weights)."""

    def __init__(self, code, student, cfg, lr, imnet=None):
        self.code, self.cfg = code, cfg
        self.student = deepcopy(student).train()
        self.teacher = deepcopy(student).train()
        self.imnet = deepcopy(imnet if imnet is not None else student)
        self.optimizer = torch.optim.AdamW(self.student.parameters(), lr=lr)
        self.iter = 0
        self.grads = None
        model = self.student
        self.self_ = SimpleNamespace(
            get_model=lambda: model,
            get_ema_model=lambda: self.teacher,
            alpha=cfg['alpha'],
            pseudo_threshold=cfg['pseudo_threshold'],
            psweight_ignore_top=cfg['ignore_top'],
            psweight_ignore_bottom=cfg['ignore_bottom'])

    def update_teacher(self):
        """The authors' start of iteration ``self.iter``: the teacher
        copies the student at 0 and is averaged after."""
        dacs = self.code.daformer_dacs
        if self.iter == 0:
            dacs._init_ema_weights(self.self_)
        else:
            dacs._update_ema(self.self_, self.iter)

    def _strong(self, aug, mean, std, data=None, target=None, mix=None):
        """``strong_transform`` with one sample's decisions planned."""
        code, draws = self.code, self.code.draws
        param = dict(
            mix=mix,
            color_jitter=0.0,
            color_jitter_s=0.2,
            color_jitter_p=0.2,
            blur=0.0,
            mean=mean,
            std=std)
        if data is not None:
            if aug['jitter'] is not None:
                param['color_jitter'] = 1.0
                draws.plan('jitter', aug['jitter'])
            if aug['sigma'] is not None:
                param['blur'] = 1.0
                draws.plan('uniform', aug['sigma'])
        with code.planned_jitter() if code.kornia else _null():
            return code.transforms.strong_transform(
                param, data=data, target=target)

    def step(self, img, gt, target_img, plans, mean, std):
        """One iteration; returns its intermediate values."""
        code, cfg, out = self.code, self.cfg, {}
        if self.iter == 0:
            self.update_teacher()
        seg = Segmentor0x(self.student)
        losses = seg.forward_train(img, gt, return_feat=True)
        feats = losses.pop('features')
        out['src'] = losses['decode.loss_seg'].detach()
        losses['decode.loss_seg'].backward(retain_graph=cfg['fd'])
        if cfg['fd']:
            out['fd'] = self._feature_distance(img, gt, feats)
        teacher = self.teacher
        for m in teacher.modules():
            if isinstance(m, torch.nn.modules.dropout._DropoutNd) or \
                    type(m).__name__ == 'DropPath':
                m.training = False
        with torch.no_grad():
            logits = Segmentor0x(teacher).encode_decode(target_img)
        label, weight = code.mic_dacs.get_pseudo_label_and_weight(
            self.self_, logits)
        weight = code.mic_dacs.filter_valid_pseudo_region(
            self.self_, weight, None)
        out.update(pseudo_label=label, pseudo_weight=weight.clone())
        for plan in plans:
            code.draws.plan('choice', plan['perm'].numpy())
        masks = code.transforms.get_class_masks(gt)
        mixed_img, mixed_lbl, mixed_w = [], [], weight.clone()
        for i, plan in enumerate(plans):
            im, lb = self._strong(
                plan['mix_aug'],
                mean,
                std,
                mix=masks[i],
                data=torch.stack((img[i], target_img[i])),
                target=torch.stack((gt[i][0], label[i])))
            _, mixed_w[i] = self._strong(
                dict(jitter=None, sigma=None),
                mean,
                std,
                mix=masks[i],
                target=torch.stack((torch.ones_like(weight[i]), weight[i])))
            mixed_img.append(im)
            mixed_lbl.append(lb)
        mixed_img, mixed_lbl = torch.cat(mixed_img), torch.cat(mixed_lbl)
        out.update(
            class_masks=torch.cat(masks).bool().squeeze(1),
            mixed_img=mixed_img,
            mixed_label=mixed_lbl.squeeze(1),
            mixed_weight=mixed_w)
        mix = seg.forward_train(mixed_img, mixed_lbl, seg_weight=mixed_w)
        out['mix'] = mix['decode.loss_seg'].detach()
        mix['decode.loss_seg'].backward()
        if cfg['mic']:
            out.update(
                self._masked(seg, target_img, label, weight, plans, mean, std))
        self.grads = {
            n: p.grad.detach().clone()
            for n, p in self.student.named_parameters() if p.grad is not None
        }
        self.optimizer.step()
        self.optimizer.zero_grad()
        self.iter += 1
        # the update that opens the authors' next iteration, done now so
        # that the teacher compares with mmasm's after its step
        self.update_teacher()
        return out

    def _feature_distance(self, img, gt, feats):
        code, cfg = self.code, self.cfg
        with torch.no_grad():
            self.imnet.eval()
            feat_imnet = [f.detach() for f in self.imnet.extract_feat(img)]
        scale = gt.shape[-1] // feats[-1].shape[-1]
        cells = code.utils.downscale_label_ratio(gt, scale, 0.75,
                                                 cfg['num_classes'],
                                                 255).long()
        classes = torch.tensor(cfg['fd_classes'])
        mask = torch.any(cells[..., None] == classes, -1)
        dist = cfg['fd_lambda'] * code.daformer_dacs.masked_feat_dist(
            None, feats[-1], feat_imnet[-1], mask)
        dist.backward()
        return dist.detach()

    def _masked(self, seg, target_img, label, weight, plans, mean, std):
        images = torch.cat([
            self._strong(
                plan['mic_aug'], mean, std,
                data=target_img[i:i + 1].clone())[0]
            for i, plan in enumerate(plans)
        ])
        gen = self.code.masking.BlockMaskGenerator(
            mask_ratio=self.cfg['mask_ratio'],
            mask_block_size=self.cfg['block_size'])
        self.code.draws.plan(
            'rand',
            torch.stack([p['mask'] for p in plans]).unsqueeze(1))
        masked = gen.mask_image(images)
        loss = seg.forward_train(masked, label.unsqueeze(1), seg_weight=weight)
        loss['decode.loss_seg'].backward()
        return dict(masked=loss['decode.loss_seg'].detach(), masked_img=masked)


class _null:

    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False


def max_abs(a, b):
    """Largest absolute difference of two tensors / numbers (inf when
    the shapes differ)."""
    a, b = torch.as_tensor(a).double(), torch.as_tensor(b).double()
    if a.shape != b.shape:
        return float('inf')
    return float((a - b).abs().max()) if a.numel() else 0.0


def relative(a, b):
    """Largest absolute difference over the largest magnitude of ``b``."""
    return max_abs(a, b) / max(float(torch.as_tensor(b).abs().max()), 1e-30)


def teacher_difference(mmasm_teacher, authors_teacher):
    """(parameters, floating buffers) largest differences."""
    params = max(
        max_abs(p, q) for p, q in zip(mmasm_teacher.parameters(),
                                      authors_teacher.parameters()))
    pairs = zip(mmasm_teacher.buffers(), authors_teacher.buffers())
    bufs = [max_abs(p, q) for p, q in pairs if p.is_floating_point()]
    return params, max(bufs) if bufs else 0.0


def np_uint8(x):
    return np.asarray(x, dtype=np.uint8)

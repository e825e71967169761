"""LRM: one-shot image-to-image translation by latent representation
mixing (encoder/decoder with batch-instance norm, patch discriminator,
perceptual losses, Runner trainer)."""
from .batch_instance_norm import BatchInstanceNorm2d, clamp_bin_gates_
from .checkpoint import load_lrm_translator, save_lrm_translator
from .discriminator import LRMPatchDiscriminator
from .losses import LRMPerceptualLoss, gram_matrix, lsgan_loss
from .trainer import LRMTrainer
from .translator import PIXEL_MAX, LRMTranslator  # noqa: F401
from .vgg_features import VGGFeatures

__all__ = [
    'BatchInstanceNorm2d', 'clamp_bin_gates_', 'LRMTranslator',
    'LRMPatchDiscriminator', 'LRMPerceptualLoss', 'gram_matrix', 'lsgan_loss',
    'VGGFeatures', 'LRMTrainer', 'load_lrm_translator', 'save_lrm_translator'
]

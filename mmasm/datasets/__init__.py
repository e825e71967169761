from .class_stats import (compute_class_stats, default_stats_path,
                          load_class_stats, save_class_stats)
from .content_style_dataset import ContentStyleDataset
from .digit_arrays import DIGIT_CLASSES, DigitArrayDataset
from .gta5 import GTA5Dataset
from .image_folder import ImageFolderDataset
from .lrm_pair_dataset import LRMPairDataset  # noqa: F401
from .rare_class_sampling import RareClassSampling
from .samplers import *  # noqa: F401,F403
from .svhn import SVHNDataset
from .synthia import SYNTHIADataset
from .transforms import *  # noqa: F401,F403
from .uda_dataset import TARGET_KEYS, UDADataset
from .usps import USPSDataset

from .content_style_dataset import ContentStyleDataset
from .gta5 import GTA5Dataset
from .image_folder import ImageFolderDataset
from .lrm_pair_dataset import LRMPairDataset  # noqa: F401
from .samplers import *  # noqa: F401,F403
from .synthia import SYNTHIADataset
from .transforms import *  # noqa: F401,F403

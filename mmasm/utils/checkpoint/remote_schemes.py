"""Weights-only loaders for every scheme of mmengine's ``CheckpointLoader``.

mmengine's own loaders unpickle fully where mmasm must not: ``http(s)://``
(and ``torchvision://``, ``mmcls://``, ``open-mmlab://`` names of URLs) go
through ``torch.hub.load_state_dict_from_url`` with ``weights_only=False``,
so a file planted in torch.hub's cache runs code; ``s3://`` / ``petrel://``,
``pavi://`` and ``open-mmlab://`` names of local files fall back to
``weights_only=False`` when the weights-only unpickler refuses. Here each
scheme only fetches the bytes (the same URLs, cache folder and file
backends as mmengine) and hands them to :func:`load_tensor_file` /
:func:`load_tensor_bytes`: tensors and mmengine metadata only, unless the
user trusted the name (a URL as written, or a local path).
"""
import os
import os.path as osp
import zipfile
from tempfile import TemporaryDirectory
from urllib.parse import urlparse

import torch
from mmengine.dist import get_dist_info
from mmengine.fileio import get_file_backend
from mmengine.runner import checkpoint as mmengine_checkpoint

from .safe_loading import load_tensor_bytes, load_tensor_file


def hub_cache_file(url: str) -> str:
    """Where ``torch.hub.load_state_dict_from_url`` keeps ``url``'s file
    (``<torch.hub.get_dir()>/checkpoints/<basename>``), downloaded there
    first if it is not yet."""
    model_dir = osp.join(torch.hub.get_dir(), 'checkpoints')
    os.makedirs(model_dir, exist_ok=True)
    cached = osp.join(model_dir, osp.basename(urlparse(url).path))
    if not osp.exists(cached):
        torch.hub.download_url_to_file(
            url, cached, None, progress=os.isatty(0))
    return _unzip_legacy(cached, model_dir)


def _unzip_legacy(path: str, model_dir: str) -> str:
    """The checkpoint inside a pre-1.6 ``.zip`` download (one member), as
    torch.hub unpacks it; ``path`` itself otherwise."""
    if not zipfile.is_zipfile(path):
        return path
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        if len(members) != 1 or members[0].is_dir():
            return path  # a torch.save zip, not a legacy wrapper
        archive.extractall(model_dir)
        return osp.join(model_dir, members[0].filename)


def load_from_url(url: str, map_location=None) -> object:
    """``http(s)://``: download into torch.hub's cache (rank 0 first, as
    mmengine does), then load weights-only under ``url``'s trust."""
    rank, world_size = get_dist_info()
    if rank == 0:
        cached = hub_cache_file(url)
    if world_size > 1:
        torch.distributed.barrier()
        if rank > 0:
            cached = hub_cache_file(url)
    return load_tensor_file(cached, map_location, name=url)


def load_from_torchvision(filename: str, map_location=None) -> object:
    """``torchvision://NAME`` / ``modelzoo://NAME``: torchvision's URL."""
    name = filename.split('://', 1)[1]
    url = mmengine_checkpoint.get_torchvision_models()[name]
    return load_from_url(url, map_location)


def load_from_openmmlab(filename: str, map_location=None) -> object:
    """``open-mmlab://NAME``: the URL, or the file under mmengine's home,
    that mmengine's ``openmmlab.json`` (plus ``open_mmlab.json`` in
    ``$MMENGINE_HOME``) maps the name to."""
    name = filename.split('://', 1)[1]
    name = mmengine_checkpoint.get_deprecated_model_names().get(name, name)
    target = mmengine_checkpoint.get_external_models()[name]
    if target.startswith(('http://', 'https://')):
        return load_from_url(target, map_location)
    path = osp.join(mmengine_checkpoint._get_mmengine_home(), target)
    if not osp.isfile(path):
        raise FileNotFoundError(f'{filename}: {path} can not be found.')
    return load_tensor_file(path, map_location)


def load_from_mmcls(filename: str, map_location=None) -> object:
    """``mmcls://NAME``: mmcls's URL; the backbone's weights."""
    url = mmengine_checkpoint.get_mmcls_models()[filename[len('mmcls://'):]]
    checkpoint = load_from_url(url, map_location)
    return mmengine_checkpoint._process_mmcls_checkpoint(checkpoint)


def load_from_object_store(filename: str,
                           map_location=None,
                           backend: str = 'petrel') -> object:
    """``s3://`` / ``petrel://`` (also ``NAME:s3://``): the bytes from
    mmengine's file backend, loaded weights-only."""
    file_backend = get_file_backend(
        filename, backend_args={'backend': backend})
    return load_tensor_bytes(
        file_backend.get(filename), filename, map_location)


def load_from_pavi(filename: str, map_location=None) -> object:
    """``pavi://``: downloaded from pavi's model cloud, loaded
    weights-only."""
    try:
        from pavi import modelcloud
    except ImportError as err:
        raise ImportError('Please install pavi to load checkpoint from '
                          'modelcloud.') from err
    model = modelcloud.get(filename[len('pavi://'):])
    with TemporaryDirectory() as tmp_dir:
        downloaded = osp.join(tmp_dir, model.name)
        model.download(downloaded)
        return load_tensor_file(downloaded, map_location, name=filename)


#: mmengine's prefixes and the loader that replaces each scheme's.
REMOTE_SCHEMES = (
    (('http://', 'https://'), load_from_url),
    (('modelzoo://', 'torchvision://'), load_from_torchvision),
    (('open-mmlab://', 'openmmlab://'), load_from_openmmlab),
    ('mmcls://', load_from_mmcls),
    ((r'(\S+\:)?s3://', r'(\S+\:)?petrel://'), load_from_object_store),
    ('pavi://', load_from_pavi),
)

# mmengine logs "Loads checkpoint by <__name__[10:]> backend"
for _, _loader in REMOTE_SCHEMES:
    _loader.__name__ = _loader.__name__.replace('load_from_',
                                                'load_from_weights_only_', 1)

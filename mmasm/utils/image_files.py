"""Cheap up-front checks of image files: size and header, no decoding.

A folder of style or content images is read at random for a whole run; a
zero-byte or non-image file in it would crash the run when first drawn
(``cv2.error ... !buf.empty()``, naming no file), possibly at iteration
9000. Checking the first bytes of every file when the folder is listed
costs one small read per file.
"""
import os.path as osp
from typing import Iterable, List, Optional

#: Leading bytes of the formats in ``IMG_EXTENSIONS`` (PNG, JPEG, BMP,
#: PPM / PGM / PBM, TIFF little / big endian, WebP's RIFF container).
_MAGIC = (b'\x89PNG\r\n\x1a\n', b'\xff\xd8\xff', b'BM', b'P1', b'P2', b'P3',
          b'P4', b'P5', b'P6', b'II*\x00', b'MM\x00*', b'RIFF')
#: How many unreadable files an error lists.
MAX_LISTED = 5


def image_file_problem(path: str) -> Optional[str]:
    """Why ``path`` cannot be an image file (``'empty (0 bytes)'``, an
    unknown header, ...), or None if its size and header look right."""
    try:
        if osp.getsize(path) == 0:
            return 'empty (0 bytes)'
        with open(path, 'rb') as file:
            head = file.read(12)
    except OSError as err:
        return f'unreadable ({err.strerror or err})'
    if not head.startswith(_MAGIC) or (head.startswith(b'RIFF')
                                       and head[8:12] != b'WEBP'):
        return f'not an image (starts with {head[:8]!r})'
    return None


def check_image_files(paths: Iterable[str], where: str) -> List[str]:
    """``paths`` as a list; raises ``ValueError`` naming the files (up to
    :data:`MAX_LISTED`) whose size or header shows they are no images."""
    paths = list(paths)
    bad = [(path, problem) for path in paths
           if (problem := image_file_problem(path)) is not None]
    if bad:
        listed = '; '.join(f'{path}: {problem}'
                           for path, problem in bad[:MAX_LISTED])
        more = f' (and {len(bad) - MAX_LISTED} more)' if len(
            bad) > MAX_LISTED else ''
        raise ValueError(
            f'{len(bad)} of {len(paths)} image files in {where} cannot be '
            f'read: {listed}{more}; remove or replace them')
    return paths

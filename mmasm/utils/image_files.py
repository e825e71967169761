"""Cheap up-front checks of image files: size, header and trailer, no
decoding.

A folder of style or content images is read at random for a whole run; a
zero-byte, non-image or truncated file in it would crash the run when first
drawn (``cv2.error ... !buf.empty()``, naming no file), possibly at
iteration 9000. Checked per file: the size is not 0; the first bytes are a
known image signature; and for the formats that say where they end, the
end is there: PNG's ``IEND`` chunk and JPEG's end-of-image marker
(``FF D9``) in the last 4 KiB (tolerating trailing padding), BMP's and
WebP's declared file size not beyond the file's. Two small reads per file
(head and tail); TIFF and PNM are checked by header only.
"""
import os.path as osp
import struct
from typing import Iterable, List, Optional

#: Leading bytes of the formats in ``IMG_EXTENSIONS`` (PNG, JPEG, BMP,
#: PPM / PGM / PBM, TIFF little / big endian, WebP's RIFF container).
_MAGIC = (b'\x89PNG\r\n\x1a\n', b'\xff\xd8\xff', b'BM', b'P1', b'P2', b'P3',
          b'P4', b'P5', b'P6', b'II*\x00', b'MM\x00*', b'RIFF')
#: How many unreadable files an error lists.
MAX_LISTED = 5
#: How far from a file's end its end marker may be (trailing padding).
TAIL_BYTES = 4096


def image_file_problem(path: str) -> Optional[str]:
    """Why ``path`` cannot be an image file (``'empty (0 bytes)'``, an
    unknown header, truncated, ...), or None if its size, header and
    trailer look right."""
    try:
        size = osp.getsize(path)
        if size == 0:
            return 'empty (0 bytes)'
        with open(path, 'rb') as file:
            head = file.read(32)
            file.seek(max(0, size - TAIL_BYTES))
            tail = file.read()
    except OSError as err:
        return f'unreadable ({err.strerror or err})'
    if not head.startswith(_MAGIC) or (head.startswith(b'RIFF')
                                       and head[8:12] != b'WEBP'):
        return f'not an image (starts with {head[:8]!r})'
    return _trailer_problem(head, tail, size)


def _trailer_problem(head: bytes, tail: bytes, size: int) -> Optional[str]:
    """Whether a file that starts with ``head`` and ends with ``tail`` is
    cut short, for the formats that mark or declare their end."""
    if head.startswith(b'\x89PNG') and b'IEND' not in tail:
        return f'truncated PNG (no IEND chunk at its end; {size} bytes)'
    if head.startswith(b'\xff\xd8') and b'\xff\xd9' not in tail:
        return f'truncated JPEG (no end-of-image marker; {size} bytes)'
    declared = None
    if head.startswith(b'BM') and len(head) >= 6:
        declared = struct.unpack('<I', head[2:6])[0]
    elif head.startswith(b'RIFF') and len(head) >= 8:
        declared = struct.unpack('<I', head[4:8])[0] + 8
    if declared is not None and declared > size:
        return (f'truncated ({size} of the {declared} bytes its header '
                f'declares)')
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

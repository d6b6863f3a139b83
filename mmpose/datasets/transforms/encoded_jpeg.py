"""A JPEG kept encoded until the crop warp says which pixels it needs.

A top-down sample warps a box of the image to a small network input. Decoding the whole image
first wastes most of the work: the warp reads one region, often at a fraction of the source
resolution. :class:`EncodedJpeg` holds the file bytes and header; :meth:`EncodedJpeg.warp`
takes the final crop matrix (after flip, shift, half-body, scale and rotation) and decodes

* only the region the warp samples (libjpeg's ``jpeg_crop_scanline`` / ``jpeg_skip_scanlines``,
  stopping after the last needed row), and
* at 1/2, 1/4 or 1/8 resolution (libjpeg's scaled inverse DCT) when the warp leaves at least
  that many source pixels per output pixel and ``max_reduction`` allows it.

With ``max_reduction=1`` the warped crop equals warping the fully decoded image (tested on the
real samples). A reduced-resolution pixel ``i`` covers source pixels ``f*i .. f*i+f-1`` and sits
at ``f*i + (f-1)/2``; the matrix is adjusted exactly, so keypoints never move.

The region decoder is a small C extension built against the system libjpeg(-turbo) at install
time; without it the same regions are cut from an OpenCV decode (identical pixels, no saving).
"""
from __future__ import annotations

import logging
import struct

import cv2
import numpy as np

try:
    from . import _jpeg_roi
except ImportError:  # built optionally at install (needs libjpeg headers)
    _jpeg_roi = None

_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_REDUCED = {1: cv2.IMREAD_COLOR, 2: cv2.IMREAD_REDUCED_COLOR_2, 4: cv2.IMREAD_REDUCED_COLOR_4,
            8: cv2.IMREAD_REDUCED_COLOR_8}
# libjpeg treats the edges of a column crop as image edges when upsampling chroma, so the
# outermost decoded columns may differ from a full decode: decode a few extra on each side
_COLUMN_MARGIN = 4
_ROW_MARGIN = 2
_logger = logging.getLogger(__name__)


def _exif_orientation(segment: bytes) -> int | None:
    """EXIF orientation tag (0x0112) of an APP1 payload: None when the payload is not EXIF
    (e.g. XMP), 1 when the tag is absent or unreadable."""
    if not segment.startswith(b'Exif\0\0'):
        return None
    if len(segment) < 14:
        return 1
    tiff = segment[6:]
    order = {b'II': '<', b'MM': '>'}.get(tiff[:2])
    if order is None:
        return 1
    try:
        (ifd, ) = struct.unpack(order + 'I', tiff[4:8])
        (count, ) = struct.unpack(order + 'H', tiff[ifd:ifd + 2])
        for k in range(count):
            entry = tiff[ifd + 2 + 12 * k:ifd + 14 + 12 * k]
            tag, _, _, value = struct.unpack(order + 'HHIH', entry[:10])
            if tag == 0x0112:
                return value
    except struct.error:
        return 1
    return 1


def read_jpeg_header(data: bytes) -> tuple[int, int, int] | None:
    """(height, width, EXIF orientation) from a JPEG's markers; None if ``data`` is not one."""
    if data[:2] != b'\xff\xd8':
        return None
    i, orientation = 2, 1
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        (length, ) = struct.unpack('>H', data[i + 2:i + 4])
        if marker in _SOF:
            if i + 9 > len(data):
                return None
            h, w = struct.unpack('>HH', data[i + 5:i + 9])
            # a height of 0 (defined later by a DNL marker) is left to OpenCV
            return (h, w, orientation) if h and w else None
        if marker == 0xE1:  # APP1: EXIF, but also XMP, which must not reset the orientation
            exif = _exif_orientation(data[i + 4:i + 2 + length])
            orientation = orientation if exif is None else exif
        if marker == 0xDA:  # start of scan before any frame header
            return None
        i += 2 + length
    return None


class EncodedJpeg:
    """JPEG bytes plus header; decoded by :meth:`warp` (a region) or :meth:`decode` (all).

    Args:
        data: The file's bytes.
        shape: Full-resolution (height, width) from the header.
        max_reduction: Largest decoding reduction :meth:`warp` may use (1, 2, 4 or 8).
        source: Where the bytes came from (for error messages).
    """

    def __init__(self, data: bytes, shape: tuple[int, int], max_reduction: int = 1,
                 source: str = '<bytes>') -> None:
        if max_reduction not in _REDUCED:
            raise ValueError(f'max_reduction must be 1, 2, 4 or 8, got {max_reduction}')
        self.data = data
        self.shape = tuple(shape)
        self.max_reduction = max_reduction
        self.source = source

    @classmethod
    def from_file(cls, path: str, max_reduction: int = 1) -> EncodedJpeg | None:
        """None when the file is not a JPEG or carries an EXIF rotation (decode those whole,
        so that the orientation is applied as OpenCV does)."""
        with open(path, 'rb') as f:
            data = f.read()
        header = read_jpeg_header(data)
        if header is None or header[2] not in (0, 1):
            return None
        return cls(data, header[:2], max_reduction, path)

    def decode(self, reduction: int = 1) -> np.ndarray:
        """The whole image (RGB uint8) at 1/``reduction`` resolution."""
        img = cv2.imdecode(np.frombuffer(self.data, np.uint8), _REDUCED[reduction])
        if img is None and not self.data.endswith(b'\xff\xd9'):
            # cv2.imdecode rejects streams cut short (or missing the end marker) that
            # cv2.imread and libjpeg decode (grey where data is missing): do as they do
            img = cv2.imdecode(np.frombuffer(self.data + b'\xff\xd9', np.uint8),
                               _REDUCED[reduction])
        if img is None:
            raise ValueError(f'cannot decode image {self.source!r} (corrupt or not an image)')
        return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)

    def reduction_for(self, mat: np.ndarray) -> int:
        """Largest power of two f <= ``max_reduction`` with f source pixels per output pixel."""
        ratio = 1. / max(np.hypot(*mat[0, :2]), np.hypot(*mat[1, :2]), 1e-12)
        f = 1
        while f * 2 <= min(ratio, self.max_reduction):
            f *= 2
        return f

    def warp(self, mat: np.ndarray, out_size: tuple[int, int]) -> np.ndarray:
        """``cv2.warpAffine(image, mat, out_size)`` (bilinear, zero border), decoding only what
        the warp reads. ``mat`` maps full-resolution image pixels to output pixels."""
        f = self.reduction_for(mat)
        if f > 1:  # reduced pixel i sits at f*i + (f-1)/2
            c = (f - 1) / 2.
            mat = mat @ np.array([[f, 0., c], [0., f, c], [0., 0., 1.]])
        w, h = out_size
        inv = cv2.invertAffineTransform(mat)
        corners = np.array([[0., 0., 1.], [w - 1., 0., 1.], [0., h - 1., 1.], [w - 1., h - 1., 1.]])
        src = corners @ inv.T
        full_h, full_w = -(-self.shape[0] // f), -(-self.shape[1] // f)
        x0 = max(int(np.floor(src[:, 0].min())) - 1 - _COLUMN_MARGIN, 0)
        x1 = min(int(np.ceil(src[:, 0].max())) + 2 + _COLUMN_MARGIN, full_w)
        y0 = max(int(np.floor(src[:, 1].min())) - 1 - _ROW_MARGIN, 0)
        y1 = min(int(np.ceil(src[:, 1].max())) + 2 + _ROW_MARGIN, full_h)
        if x1 <= x0 or y1 <= y0:  # the crop lies outside the image
            return np.zeros((h, w, 3), np.uint8)
        block, xo, yo = self._region(f, x0, y0, x1, y1)
        # place the block on a zero canvas of the full (reduced) size rather than shifting the
        # matrix: OpenCV's fixed-point warp rounds a shifted matrix differently in ~0.01 % of
        # pixels. The canvas costs one block copy (untouched zero pages are never written).
        canvas = np.zeros((full_h, full_w, 3), np.uint8)
        canvas[yo:yo + block.shape[0], xo:xo + block.shape[1]] = block
        return cv2.warpAffine(canvas, mat, (w, h), flags=cv2.INTER_LINEAR)

    def _region(self, f: int, x0: int, y0: int, x1: int, y1: int):
        """Pixels [y0:y1, x0:x1] (at least) of the 1/f image, with the block's offset."""
        if _jpeg_roi is not None:
            try:
                buf, bw, bh, xo, yo = _jpeg_roi.decode(self.data, f, x0, y0, x1, y1)
                if bw > 0 and bh > 0:
                    return np.frombuffer(buf, np.uint8).reshape(bh, bw, 3), xo, yo
            except ValueError as err:  # e.g. CMYK or an unusual stream: OpenCV decodes those
                _logger.debug('region decoding of %s failed (%s); using OpenCV', self.source, err)
        return self.decode(f)[y0:y1, x0:x1], x0, y0

    def __repr__(self) -> str:
        return (f'{type(self).__name__}({self.source!r}, shape={self.shape}, '
                f'max_reduction={self.max_reduction})')


def region_decoding_available() -> bool:
    """Whether the libjpeg region decoder was built (else regions are cut from full decodes)."""
    return _jpeg_roi is not None

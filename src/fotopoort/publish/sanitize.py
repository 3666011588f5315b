"""Copies that may leave the school: metadata stripped, faces redacted. Bytes in, bytes out.

A photo from a camera or a phone carries more than its pixels: the GPS position, the camera's
serial number and owner name, XMP with face regions named by a photo manager (MWG
`mwg-rs:Regions`, Microsoft `MP:RegionInfo`), IPTC, a JPEG comment, an embedded thumbnail of the
original (which a crop or a redaction would not change). Deleting known tags misses the ones we
do not know, so the output is built from the pixels alone: orientation applied to the pixels,
the ICC profile kept (colours stay right), nothing else. Then the result is read back and checked
against a list of what may be in it; a copy that fails the check is refused (`MetadataError`),
never written half-clean.

Re-encoding costs quality: JPEG is written at quality 92 with the original's chroma subsampling,
WebP at quality 92; PNG and BMP are lossless. TIFF and HEIF are refused: their containers hold
metadata in places this module cannot check, so a person converts them first.

Redaction covers each face with a solid fill, never a blur or a mosaic (blurred faces are
re-identified in most cases when the candidates are few, and a school class is few). The box a
face detector returns covers roughly brows to chin; `DEFAULT_MARGIN` enlarges it to hair, ears
and chin, measured with bench/redaction_margin.py on ../shared/faces (docs/redaction.md).
"""

from __future__ import annotations

import hashlib
import io
import struct
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFile, ImageOps, JpegImagePlugin, UnidentifiedImageError

from fotopoort.errors import FotopoortError
from fotopoort.messages import problems as P
from fotopoort.model import Box

JPEG_QUALITY = 92
WEBP_QUALITY = 92
FILL = 128  # mid grey on every channel: a solid, neutral fill
_OUTPUT_FORMAT = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "BMP": "BMP"}
# byte strings that must not occur anywhere in a published copy (long enough never to occur by
# chance in compressed data)
_FORBIDDEN = (
    b"Exif\x00\x00",
    b"http://ns.adobe.com/xap/1.0/",
    b"<x:xmpmeta",
    b"<?xpacket",
    b"Photoshop 3.0\x00",
    b"mwg-rs:Regions",
    b"MP:RegionInfo",
)
# what Pillow may report when it reads a clean copy back
_ALLOWED_INFO = frozenset(
    {
        "jfif",
        "jfif_version",
        "jfif_unit",
        "jfif_density",
        "dpi",
        "icc_profile",
        "adobe",
        "adobe_transform",
        "progressive",
        "progression",
        "compression",
        "loop",
        "background",
        "transparency",
        "gamma",
        "srgb",
        "chromaticity",
        "aspect",
        "duration",  # WebP: frame timing of the one frame
        "timestamp",
    }
)


class MetadataError(FotopoortError):
    """A copy cannot be made without metadata (or redacted) and checked: it is not written."""


@dataclass(frozen=True)
class Margin:
    """How far a redaction reaches beyond a face's box, as fractions of the box's size."""

    top: float  # x box height, above (forehead, hair)
    bottom: float  # x box height, below (chin)
    side: float  # x box width, left and right each (ears, hair)


# Measured on ../shared/faces with bench/redaction_margin.py (docs/redaction.md): covers the
# estimated head of every face YuNet finds there (375 faces; HOG: 338), on every side.
DEFAULT_MARGIN = Margin(top=1.0, bottom=0.35, side=0.50)


@dataclass(frozen=True)
class Published:
    data: bytes
    sha256: str
    format: str  # JPEG, PNG, WEBP or BMP
    size: tuple[int, int]  # (width, height), upright


def strip_metadata(data: bytes, *, max_pixels: int) -> Published:
    """The photo rebuilt from its pixels: upright, ICC profile kept, nothing else."""
    image, fmt, options = _clean_image(data, max_pixels)
    return _encode_checked(image, fmt, options)


def enlarge(box: Box, margin: Margin, size: tuple[int, int]) -> Box:
    """`box` grown by `margin`, kept inside an image of `size` (width, height)."""
    width, height = size
    return Box(
        top=max(0, int(box.top - margin.top * box.height)),
        right=min(width, int(np.ceil(box.right + margin.side * box.width))),
        bottom=min(height, int(np.ceil(box.bottom + margin.bottom * box.height))),
        left=max(0, int(box.left - margin.side * box.width)),
    )


def redact(
    data: bytes, boxes: Sequence[Box], *, max_pixels: int, margin: Margin = DEFAULT_MARGIN
) -> Published:
    """The photo without metadata, each box (upright, full-resolution) enlarged by `margin` and
    covered by a solid fill. The result is read back: every covered area must still be filled."""
    if not boxes:
        raise MetadataError(P.NOTHING_TO_REDACT)
    image, fmt, options = _clean_image(data, max_pixels)
    areas = [enlarge(b, margin, image.size) for b in boxes]
    fill = _fill_for(image.mode)
    draw = ImageDraw.Draw(image)
    for a in areas:
        draw.rectangle((a.left, a.top, a.right - 1, a.bottom - 1), fill=fill)
    published = _encode_checked(image, fmt, options)
    _check_filled(published.data, areas, image.mode)
    return published


# --- building from pixels ------------------------------------------------------------------


def _clean_image(data: bytes, max_pixels: int) -> tuple[Image.Image, str, dict[str, object]]:
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the file decodes whole below, or is refused
        try:
            im = Image.open(io.BytesIO(data))
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise MetadataError(P.CANNOT_BE_READ, why=exc) from None
        except Image.DecompressionBombError:
            raise MetadataError(P.COPY_TOO_MANY_PIXELS) from None
        with im:
            fmt = im.format or "unknown"
            if fmt not in _OUTPUT_FORMAT:
                raise MetadataError(P.NOT_SAFELY, fmt=fmt)
            if im.size[0] * im.size[1] > max_pixels:
                raise MetadataError(P.COPY_OVER_LIMIT, limit=f"{max_pixels:,}")
            options: dict[str, object] = {}
            icc = im.info.get("icc_profile")
            if isinstance(icc, bytes) and icc:
                options["icc_profile"] = icc
            if fmt in ("JPEG", "MPO"):
                sampling = JpegImagePlugin.get_sampling(im)
                options["subsampling"] = sampling if sampling in (0, 1, 2) else 2
                options["quality"] = JPEG_QUALITY
            elif fmt == "WEBP":
                options["quality"] = WEBP_QUALITY
            try:
                im.load()  # an MPO's first frame: the photo; later frames are other pictures
                upright = ImageOps.exif_transpose(im)
                upright = _publishable_mode(upright, _OUTPUT_FORMAT[fmt])
                # from the pixels alone: a new image carries none of the original's info
                clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
            except (OSError, SyntaxError, ValueError) as exc:
                raise MetadataError(P.NOT_READ_WHOLE, why=exc) from None
    return clean, _OUTPUT_FORMAT[fmt], options


def _publishable_mode(im: Image.Image, fmt: str) -> Image.Image:
    """A mode the output format writes without a palette or other side data."""
    keep = {
        "JPEG": {"L", "RGB", "CMYK"},
        "PNG": {"L", "LA", "RGB", "RGBA", "I;16"},
        "WEBP": {"RGB", "RGBA"},
        "BMP": {"L", "RGB"},
    }[fmt]
    if im.mode in keep:
        return im
    has_alpha = im.mode in {"RGBA", "LA", "PA", "La", "RGBa"} or "transparency" in im.info
    if has_alpha and "RGBA" in keep:
        return im.convert("RGBA")
    return im.convert("RGB")


def _fill_for(mode: str) -> int | tuple[int, ...]:
    fills: dict[str, int | tuple[int, ...]] = {
        "L": FILL,
        "LA": (FILL, 255),
        "RGB": (FILL, FILL, FILL),
        "RGBA": (FILL, FILL, FILL, 255),
        "CMYK": (0, 0, 0, 255 - FILL),
        "I;16": FILL * 257,
    }
    return fills[mode]


def _encode_checked(image: Image.Image, fmt: str, options: dict[str, object]) -> Published:
    buf = io.BytesIO()
    image.save(buf, fmt, **options)
    data = buf.getvalue()
    check_clean(data)
    return Published(data, hashlib.sha256(data).hexdigest(), fmt, image.size)


# --- reading back ----------------------------------------------------------------------------


def check_clean(data: bytes) -> None:
    """Raise MetadataError unless `data` is a JPEG, PNG, WebP or BMP that holds nothing but its
    pixels, an ICC profile and the container's own fields."""
    for sig in _FORBIDDEN:
        if sig in data:
            raise MetadataError(P.METADATA_LEFT, what=repr(sig[:20]))
    if data.startswith(b"\xff\xd8"):
        _check_jpeg(data)
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        _check_png(data)
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        _check_webp(data)
    elif not data.startswith(b"BM"):
        raise MetadataError(P.NOT_AN_OUTPUT_FORMAT)
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            left = set(im.info) - _ALLOWED_INFO
            if left or len(im.getexif()):
                raise MetadataError(P.METADATA_LEFT_LIST, what=sorted(left) or "EXIF")
            if getattr(im, "n_frames", 1) != 1:
                raise MetadataError(P.MORE_THAN_ONE)
    except (OSError, SyntaxError, ValueError) as exc:
        raise MetadataError(P.NOT_READ_BACK, why=exc) from None


def _check_jpeg(data: bytes) -> None:
    """Every segment before the image data must be one a plain JPEG needs; nothing may follow
    the end of the image (a second picture, a trailer)."""
    pos = 2
    while True:
        if pos + 4 > len(data) or data[pos] != 0xFF:
            raise MetadataError(P.BAD_JPEG)
        marker = data[pos + 1]
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        body = data[pos + 4 : pos + 2 + length]
        if marker == 0xDA:  # start of scan: image data follows
            break
        allowed = (
            marker in (0xDB, 0xC4, 0xDD)  # quantisation, Huffman tables, restart interval
            or 0xC0 <= marker <= 0xCF  # frame headers
            or (marker == 0xE0 and body.startswith(b"JFIF\x00"))
            or (marker == 0xE2 and body.startswith(b"ICC_PROFILE\x00"))
            or (marker == 0xEE and body.startswith(b"Adobe"))  # colour transform of CMYK
        )
        if not allowed:
            raise MetadataError(P.METADATA_LEFT, what=f"JPEG segment 0x{marker:02X}")
        pos += 2 + length
    if not data.endswith(b"\xff\xd9") or data.find(b"\xff\xd9", pos) != len(data) - 2:
        raise MetadataError(P.DATA_AFTER_END)


_PNG_CHUNKS = frozenset(
    {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"iCCP", b"sRGB", b"gAMA", b"cHRM", b"pHYs"}
    | {b"sBIT", b"bKGD"}
)


def _check_png(data: bytes) -> None:
    pos = 8
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        if kind not in _PNG_CHUNKS:
            raise MetadataError(P.METADATA_LEFT, what=f"PNG chunk {kind!r}")
        pos += 12 + length
        if kind == b"IEND":
            break
    if pos != len(data):
        raise MetadataError(P.DATA_AFTER_END)


def _check_webp(data: bytes) -> None:
    pos = 12
    while pos + 8 <= len(data):
        kind = data[pos : pos + 4]
        (length,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        if kind not in (b"VP8 ", b"VP8L", b"VP8X", b"ICCP", b"ALPH"):
            raise MetadataError(P.METADATA_LEFT, what=f"WebP chunk {kind!r}")
        if kind == b"VP8X" and data[pos + 8] & 0x0E:  # EXIF, XMP or animation flag
            raise MetadataError(P.METADATA_LEFT, what="WebP VP8X flags")
        pos += 8 + length + (length & 1)
    if pos != len(data):
        raise MetadataError(P.DATA_AFTER_END)


def _check_filled(data: bytes, areas: Sequence[Box], mode: str) -> None:
    """Each area is the fill, read back from the encoded copy (JPEG: within its error, inside
    a border of one 8x8 block where the fill meets the photo)."""
    with Image.open(io.BytesIO(data)) as im:
        pixels = np.asarray(im.convert("L") if mode != "CMYK" else im.convert("CMYK"))
    expected = FILL if mode != "CMYK" else np.array((0, 0, 0, 255 - FILL))
    for a in areas:
        inset = 8 if a.width > 32 and a.height > 32 else 0
        region = pixels[a.top + inset : a.bottom - inset, a.left + inset : a.right - inset]
        if region.size and np.abs(region.astype(np.int32) - expected).max() > 12:
            raise MetadataError(P.NOT_COVERED)

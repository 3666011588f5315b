"""Open any supported photo safely, or fail: never a partial picture.

- The whole file must decode; a truncated file is an error. face_recognition switches Pillow's
  global LOAD_TRUNCATED_IMAGES on when imported, so it is forced off here on every load.
- EXIF orientation is applied before anything looks for faces.
- A decompression bomb (more pixels than the policy allows) is refused before decoding.
- JPEGs are decoded at reduced size (DCT scaling, "draft mode") when analysis needs fewer pixels.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pillow_heif
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from fotopoort.errors import ImageError
from fotopoort.messages import problems as P
from fotopoort.model import MediaKind

pillow_heif.register_heif_opener()

SUPPORTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "TIFF", "HEIF", "BMP"})
# Every file that may show a child is checked, and one fotopoort cannot check is blocked:
# a GIF (several frames) or a video in a camp folder must never pass as "nothing to see".
PHOTO_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".jpe", ".png", ".webp", ".tif", ".tiff", ".heic", ".heif", ".hif", ".bmp"}
    | {".gif"}
)
VIDEO_SUFFIXES = frozenset(
    {".mp4", ".m4v", ".mov", ".avi", ".mkv", ".webm", ".3gp", ".mts", ".m2ts", ".wmv", ".mpg"}
)
_PHOTO_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"II*\x00", b"MM\x00*", b"GIF8", b"BM")
_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif")
_VIDEO_MAGIC = (b"\x1a\x45\xdf\xa3", b"\x30\x26\xb2\x75")  # Matroska/WebM, ASF/WMV


def media_kind(head: bytes) -> MediaKind | None:
    """A photo, a video or neither, from a file's first 16 bytes."""
    if head.startswith(_PHOTO_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return MediaKind.PHOTO
    if head[4:8] == b"ftyp":
        return MediaKind.PHOTO if head[8:12] in _HEIF_BRANDS else MediaKind.VIDEO
    if head.startswith(_VIDEO_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"AVI "):
        return MediaKind.VIDEO
    return None


Pixels = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class LoadedImage:
    pixels: Pixels  # RGB, H x W x 3, upright, possibly reduced
    original_size: tuple[int, int]  # (width, height) of the upright photo at full resolution
    format: str

    @property
    def scale(self) -> float:
        """Multiply analysed pixel coordinates by this to get full-resolution coordinates."""
        return self.original_size[0] / int(self.pixels.shape[1])


def load_image(data: bytes, *, max_pixels: int, max_side: int | None = None) -> LoadedImage:
    """Decode `data` into upright RGB pixels whose long side is at most `max_side`."""
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    if not data:
        raise ImageError(P.EMPTY_FILE)
    if media_kind(data[:16]) is MediaKind.VIDEO:
        raise ImageError(P.A_VIDEO)
    with warnings.catch_warnings():
        # Pillow warns about corrupt EXIF, truncated reads, palette transparency, ...: the file
        # either decodes whole below or is refused; our own pixel limit replaces its bomb check
        warnings.simplefilter("ignore")
        return _decode(data, max_pixels, max_side)


def _decode(data: bytes, max_pixels: int, max_side: int | None) -> LoadedImage:
    try:
        im = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        raise ImageError(P.NOT_AN_IMAGE) from None
    except Image.DecompressionBombError:
        raise ImageError(P.BOMB) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageError(P.CANNOT_BE_READ, why=exc) from None
    with im:
        fmt = im.format or "unknown"
        if fmt not in SUPPORTED_FORMATS:
            raise ImageError(P.UNSUPPORTED_FORMAT, fmt=fmt)
        width, height = im.size
        if width <= 0 or height <= 0:
            raise ImageError(P.NO_PIXELS)
        if width * height > max_pixels:
            raise ImageError(P.TOO_MANY_PIXELS, width=width, height=height, limit=f"{max_pixels:,}")
        if max_side and fmt == "JPEG" and max(width, height) > max_side:
            factor = max_side / max(width, height)
            # draft picks the smallest DCT scale that is still at least this size
            im.draft("RGB", (max(1, round(width * factor)), max(1, round(height * factor))))
        try:
            im.load()
            upright = ImageOps.exif_transpose(im)
            rgb = _to_rgb(upright)
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
            raise ImageError(P.NOT_READ_WHOLE, why=exc) from None
        # Some formats (TIFF) come out of Pillow upright already: compare sizes, not tags.
        swapped = upright.size != im.size
    original = (height, width) if swapped else (width, height)
    if max_side and max(rgb.size) > max_side:
        rgb.thumbnail((max_side, max_side), Image.Resampling.BILINEAR, reducing_gap=2.0)
    return LoadedImage(np.asarray(rgb, dtype=np.uint8), original, fmt)


def _to_rgb(im: Image.Image) -> Image.Image:
    if im.mode == "RGB":
        return im
    if im.mode in {"I;16", "I;16B", "I;16L", "I;16N", "I"}:
        # 16/32-bit grayscale: scale to 8 bits instead of clipping at 255
        arr = np.asarray(im, dtype=np.float64)
        peak = 65535.0 if im.mode.startswith("I;16") else max(float(arr.max()), 1.0)
        gray = np.clip(arr * (255.0 / peak), 0, 255).astype(np.uint8)
        return Image.fromarray(gray).convert("RGB")
    if im.mode == "F":
        arr = np.asarray(im, dtype=np.float64)
        span = max(float(arr.max() - arr.min()), 1e-9)
        return Image.fromarray(((arr - arr.min()) * (255.0 / span)).astype(np.uint8)).convert("RGB")
    if im.mode in {"P", "PA"}:
        im = im.convert("RGBA")  # palette transparency needs RGBA on the way to RGB
    # CMYK, L, LA, RGBA, ...: Pillow's conversion. Alpha is dropped, so faces under
    # transparent pixels are still seen (a face found where none shows only costs a review).
    return im.convert("RGB")

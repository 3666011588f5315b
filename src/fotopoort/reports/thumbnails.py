"""Small JPEG previews for the HTML report, made from pixels that are already decoded.

The worker that looks for faces has the photo decoded at `max_side` already; resizing that to a
thumbnail costs a few milliseconds, a second decode of a 12-megapixel JPEG costs far more. Only
a photo whose analysis came from the cache (nothing decoded in this run) is decoded for its
thumbnail, in draft mode (JPEG DCT scaling), which is cheap.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

from fotopoort.errors import ImageError
from fotopoort.media.photos import Pixels, load_image

THUMBNAIL_SIDE = 320  # long side in pixels: sharp enough on a phone, a few KB
THUMBNAIL_QUALITY = 60


@dataclass(frozen=True)
class Thumbnail:
    jpeg: bytes  # built from pixels: no metadata of the original
    width: int
    height: int
    original: tuple[int, int]  # (width, height) of the upright photo: the faces' coordinates


def from_pixels(pixels: Pixels, original: tuple[int, int], side: int = THUMBNAIL_SIDE) -> Thumbnail:
    im = Image.fromarray(pixels)
    im.thumbnail((side, side), Image.Resampling.BILINEAR, reducing_gap=2.0)
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
    return Thumbnail(buf.getvalue(), im.size[0], im.size[1], original)


def from_bytes(data: bytes, *, max_pixels: int, side: int = THUMBNAIL_SIDE) -> Thumbnail | None:
    """A thumbnail of a photo not decoded in this run; None when it cannot be read."""
    try:
        image = load_image(data, max_pixels=max_pixels, max_side=side * 2)
    except ImageError:
        return None
    return from_pixels(image.pixels, image.original_size, side)

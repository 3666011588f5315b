"""Small JPEG previews for the HTML report, made from pixels that are already decoded.

The worker that looks for faces has the photo decoded at `max_side` already; resizing that to a
thumbnail costs a few milliseconds, a second decode of a 12-megapixel JPEG costs far more. Only
a photo whose analysis came from the cache (nothing decoded in this run) is decoded for its
thumbnail, in draft mode (JPEG DCT scaling), which is cheap.

A video gets one thumbnail per track, of the frame where the face is largest (the track's
`frame`; its `box` is in that frame). The worker keeps a thumbnail of every sampled frame in
which a face was found while it analyses (a few KB each; the pixels are decoded already) and
keeps the tracks' ones when the tracks are known. A video whose analysis came from the cache is
decoded once more, seeking to each track's frame (media.video.frames_at).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from fotopoort.errors import ImageError
from fotopoort.media.photos import Pixels, load_image
from fotopoort.media.video import frames_at
from fotopoort.model import FaceResult

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


def of_tracks(
    faces: Sequence[FaceResult], frames: Mapping[float, Thumbnail]
) -> tuple[Thumbnail | None, ...]:
    """Each track's thumbnail, from thumbnails of the sampled frames by their time."""
    return tuple(frames.get(f.frame) if f.frame is not None else None for f in faces)


def from_video(
    path: Path, faces: Sequence[FaceResult], side: int = THUMBNAIL_SIDE
) -> tuple[Thumbnail | None, ...]:
    """Each track's thumbnail, decoded from the video at `path` (one pass, seeking)."""
    times = [f.frame for f in faces if f.frame is not None]
    frames = frames_at(path, times, max_side=side)
    return of_tracks(
        faces, {t: from_pixels(im.pixels, im.original_size, side) for t, im in frames.items()}
    )

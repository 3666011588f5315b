"""Small real videos for tests, the benchmark and the demo, written with PyAV.

A video is a background with face photos (from ../shared) pasted on it, each shown for a time
range and moving in a straight line. Nothing here touches the product.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from av.video.stream import VideoStream
from PIL import Image


@dataclass(frozen=True)
class Appearance:
    image: Path  # a photo with one face
    start: float  # seconds
    end: float
    at: tuple[int, int]  # top-left corner (x, y) at `start`, in upright frame pixels
    to: tuple[int, int] | None = None  # ... and at `end` (moving); None: stays
    side: int = 160  # the photo is pasted scaled to this width
    crop: tuple[int, int, int, int] | None = None  # (left, top, right, bottom) of the photo


def background(width: int, height: int) -> np.ndarray:
    """A calm gradient, like a wall: no faces, little to encode."""
    x = np.linspace(90, 170, width, dtype=np.float32)
    y = np.linspace(0, 40, height, dtype=np.float32)[:, None]
    grey = (x[None, :] + y).clip(0, 255).astype(np.uint8)
    return np.stack([grey, grey, (grey * 0.9).astype(np.uint8)], axis=2)


def _tile(path: Path, side: int, crop: tuple[int, int, int, int] | None) -> np.ndarray:
    with Image.open(path) as im:
        rgb = im.convert("RGB")
        if crop is not None:
            rgb = rgb.crop(crop)
        h = round(rgb.height * side / rgb.width)
        return np.asarray(rgb.resize((side, h), Image.Resampling.BILINEAR))


def frames(
    appearances: Sequence[Appearance], size: tuple[int, int], seconds: float, fps: int
) -> Iterator[np.ndarray]:
    """The frames one by one: a few minutes of 1080p would not fit in memory as a list."""
    width, height = size
    base = background(width, height)
    tiles = {(a.image, a.side, a.crop): _tile(a.image, a.side, a.crop) for a in appearances}
    for i in range(round(seconds * fps)):
        t = i / fps
        frame = base.copy()
        for a in appearances:
            if not a.start <= t < a.end:
                continue
            tile = tiles[(a.image, a.side, a.crop)]
            f = (t - a.start) / max(a.end - a.start, 1e-9)
            to = a.to or a.at
            x = round(a.at[0] + (to[0] - a.at[0]) * f)
            y = round(a.at[1] + (to[1] - a.at[1]) * f)
            h, w = tile.shape[:2]
            x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + w, width), min(y + h, height)
            if x1 > x0 and y1 > y0:
                frame[y0:y1, x0:x1] = tile[y0 - y : y1 - y, x0 - x : x1 - x]
        yield frame


def write_video(
    path: Path,
    appearances: Sequence[Appearance],
    *,
    size: tuple[int, int] = (480, 360),
    seconds: float = 3.0,
    fps: int = 10,
    rotation: int = 0,
    codec: str = "libx264",
    keyint: int | None = None,
) -> Path:
    """Write the video. With `rotation` (degrees counter-clockwise, as a phone's display
    matrix says), frames are stored turned the other way, so only a reader that applies the
    rotation sees the faces upright."""
    turns = round(rotation / 90) % 4
    stored = (
        np.ascontiguousarray(np.rot90(f, k=-turns)) for f in frames(appearances, size, seconds, fps)
    )
    width, height = size if turns % 2 == 0 else (size[1], size[0])
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream(codec, rate=fps)
        assert isinstance(stream, VideoStream)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        if codec == "libx264":
            stream.options = {"preset": "ultrafast", "crf": "20"}
            if keyint is not None:  # a keyframe every `keyint` frames: what a seek lands on
                stream.options = {**stream.options, "g": str(keyint)}
        if rotation:
            stream.set_display_rotation(rotation)
        for image in stored:
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path

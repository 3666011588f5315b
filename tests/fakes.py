"""A fake face engine for fast tests of everything but dlib.

A "face" is a solid square of one colour on a white background (use PNG: JPEG would blur the
colours). Its encoding is the colour scaled to 0..1 in the first three of 128 dimensions, so the
distance between two faces is the distance between their colours / 255.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from fotopoort.matching import Encoding
from fotopoort.media.photos import Pixels

RawBox = tuple[int, int, int, int]
Colour = tuple[int, int, int]


class FakeEngine:
    name = "fake-engine-1"

    def find_faces(self, pixels: Pixels, upsample: int) -> list[RawBox]:
        flat = pixels.reshape(-1, 3)
        colours = np.unique(flat[(flat < 250).any(axis=1)], axis=0)
        boxes = []
        for colour in colours:
            ys, xs = np.nonzero((pixels == colour).all(axis=2))
            boxes.append((int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1, int(xs.min())))
        return boxes

    def find_faces_yunet(
        self, pixels: Pixels, score_threshold: float, pad: float = 0.1
    ) -> list[RawBox]:
        return self.find_faces(pixels, 0)  # the same squares, whichever detector looks

    def encode(self, pixels: Pixels, boxes: list[RawBox]) -> list[Encoding]:
        out = []
        for top, _right, _bottom, left in boxes:
            enc = np.zeros(128)
            enc[:3] = pixels[top, left].astype(np.float64) / 255.0
            out.append(enc)
        return out


def encoding_of(colour: Colour) -> Encoding:
    enc = np.zeros(128)
    enc[:3] = np.array(colour, dtype=np.float64) / 255.0
    return enc


def make_photo(
    path: Path,
    faces: list[tuple[Colour, int]] | None = None,
    *,
    size: tuple[int, int] = (400, 200),
    face_px: int = 80,
    fmt: str = "PNG",
) -> Path:
    """A photo with one square "face" per (colour, x offset), all `face_px` large."""
    img = Image.new("RGB", size, (255, 255, 255))
    for colour, x in faces or []:
        img.paste(colour, (x, 20, x + face_px, 20 + face_px))
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, fmt)
    return path

"""The face engine behind a small interface, and the step that turns an image into faces.

`DlibEngine` wraps face_recognition (dlib's HOG detector and its 128-d ResNet encoder).
Tests of pure logic use `tests/fakes.py` instead. Faces too small to identify are still
reported, without an encoding, so a photo with such a face goes to review.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from .images import LoadedImage, Pixels
from .matching import Encoding


@dataclass(frozen=True)
class Box:
    """A face's box in full-resolution, upright photo coordinates (face_recognition's order)."""

    top: int
    right: int
    bottom: int
    left: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    def as_list(self) -> list[int]:
        return [self.top, self.right, self.bottom, self.left]


@dataclass(frozen=True)
class DetectedFace:
    box: Box  # full-resolution coordinates
    size_px: int  # the face's size (shorter box side) in the pixels that were analysed
    encoding: Encoding | None  # None when the face is too small to identify


@dataclass(frozen=True)
class DetectionSettings:
    max_side: int  # photos are analysed with their long side reduced to at most this
    upsample: int  # extra detector upsampling passes (finds smaller faces, costs 4x per pass)
    min_face_px: int  # faces smaller than this (in analysed pixels) are not identified

    def cache_key(self) -> str:
        return f"max_side={self.max_side};upsample={self.upsample};min_face={self.min_face_px}"


RawBox = tuple[int, int, int, int]  # (top, right, bottom, left) in analysed pixels


class FaceEngine(Protocol):
    name: str  # identifies the model, for the cache key

    def find_faces(self, pixels: Pixels, upsample: int) -> list[RawBox]: ...

    def encode(self, pixels: Pixels, boxes: list[RawBox]) -> list[Encoding]: ...


class DlibEngine:
    """face_recognition on dlib: HOG detector, 5-point landmarks, ResNet encoder."""

    name = "face_recognition-1.3.0/hog/small-landmarks/jitter1"

    def __init__(self) -> None:
        self._fr: Any = None

    def _api(self) -> Any:
        if self._fr is None:
            import face_recognition
            from PIL import ImageFile

            # face_recognition turns on loading of truncated images for the whole process
            ImageFile.LOAD_TRUNCATED_IMAGES = False
            self._fr = face_recognition
        return self._fr

    def find_faces(self, pixels: Pixels, upsample: int) -> list[RawBox]:
        found = self._api().face_locations(pixels, number_of_times_to_upsample=upsample)
        return [(int(t), int(r), int(b), int(left)) for t, r, b, left in found]

    def encode(self, pixels: Pixels, boxes: list[RawBox]) -> list[Encoding]:
        if not boxes:
            return []
        encs = self._api().face_encodings(pixels, known_face_locations=boxes, model="small")
        return [np.asarray(e, dtype=np.float64) for e in encs]


def analyze(
    engine: FaceEngine, image: LoadedImage, settings: DetectionSettings
) -> tuple[DetectedFace, ...]:
    """Find every face; encode those large enough to identify."""
    raw = engine.find_faces(image.pixels, settings.upsample)
    big = [b for b in raw if _size(b) >= settings.min_face_px]
    encodings = dict(zip(big, engine.encode(image.pixels, big), strict=True))
    scale = image.scale
    faces = [
        DetectedFace(
            box=Box(*(round(v * scale) for v in b)),
            size_px=_size(b),
            encoding=encodings.get(b),
        )
        for b in raw
    ]
    return tuple(sorted(faces, key=lambda f: (f.box.left, f.box.top)))


def _size(b: RawBox) -> int:
    top, right, bottom, left = b
    return min(right - left, bottom - top)

"""The face engine behind a small interface, and the step that turns an image into faces.

`DlibEngine` wraps face_recognition (dlib's HOG detector and its 128-d ResNet encoder).
Tests of pure logic use `tests/fakes.py` instead. Faces too small to identify are still
reported, without an encoding, so a photo with such a face goes to review.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from PIL import Image

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
    max_side: int  # photos are decoded with the long side reduced to at most this; faces are
    #                measured and encoded at this resolution
    detect_side: int  # the detector looks at a copy reduced to at most this long side
    upsample: int  # detector upsampling passes: each finds 2x smaller faces at 4x the cost
    min_face_px: int  # faces smaller than this (at max_side) are not identified

    def cache_key(self) -> str:
        return (
            f"max_side={self.max_side};detect_side={self.detect_side};"
            f"upsample={self.upsample};min_face={self.min_face_px}"
        )


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
        # HOG on RGB: grayscale would be 20% faster but missed a face in ../shared/faces
        # that RGB finds (docs/performance.md); a missed face is a potential leak
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
    view, factor = _detection_view(image.pixels, settings.detect_side)
    found = engine.find_faces(view, settings.upsample)
    raw = [_clip(tuple(round(v * factor) for v in b), image.pixels.shape) for b in found]  # type: ignore[arg-type]
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


def _detection_view(pixels: Pixels, detect_side: int) -> tuple[Pixels, float]:
    """The pixels the detector sees, and the factor back to `pixels` coordinates."""
    height, width = pixels.shape[:2]
    if max(height, width) <= detect_side:
        return pixels, 1.0
    factor = max(height, width) / detect_side
    size = (max(1, round(width / factor)), max(1, round(height / factor)))
    view = Image.fromarray(pixels).resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    return np.asarray(view), width / size[0]


def _clip(b: RawBox, shape: tuple[int, ...]) -> RawBox:
    """dlib boxes may reach past the border; keep them inside the image."""
    top, right, bottom, left = b
    height, width = shape[:2]
    return (max(0, top), min(width, right), min(height, bottom), max(0, left))


def _size(b: RawBox) -> int:
    top, right, bottom, left = b
    return min(right - left, bottom - top)

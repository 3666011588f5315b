"""The face engine behind a small interface, and the step that turns an image into faces.

`DlibEngine` wraps face_recognition (dlib's HOG detector and its 128-d ResNet encoder) and
OpenCV's YuNet detector (`yunet.py`); `detection.detector` in consents.yaml chooses which
detector(s) look for faces. Tests of pure logic use `tests/fakes.py` instead. Faces too small
to identify are still reported, without an encoding, so a photo with such a face goes to review.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

import numpy as np
from PIL import Image

from fotopoort.engines.yunet import MODEL_SHA256, YuNetDetector
from fotopoort.engines.yunet import PAD as YUNET_PAD
from fotopoort.matching import Encoding
from fotopoort.media.photos import LoadedImage, Pixels
from fotopoort.model import Box


@dataclass(frozen=True)
class DetectedFace:
    box: Box  # full-resolution coordinates
    size_px: int  # the face's size (shorter box side) in the pixels that were analysed
    encoding: Encoding | None  # None when the face is too small to identify
    fresh: bool = True  # False: `encoding` is an earlier frame's, of the face followed here


class Detector(Enum):
    """Which detector looks for faces (consents.yaml `detection.detector`)."""

    HOG = "hog"  # dlib's HOG: the detector of fotopoort 0.1
    YUNET = "yunet"  # OpenCV's YuNet: finds more faces (edges, profiles, small), 4x faster
    YUNET_HOG = "yunet+hog"  # both: YuNet's faces, plus HOG's where YuNet found none


# YuNet also searches a coarse view of this long side: it finds large faces (close-ups) better
# there than in the detect_side view.
COARSE_SIDE = 640
# The mirrored border of the fine (detect_side) view when the coarse view also runs: the coarse
# view's own border (YUNET_PAD of 640 px, 160 px at 1600) catches the larger faces cut by the
# edge, so the fine view needs only enough for the small ones. 0.04 instead of 0.10: 12% less
# detection time, and on 400 faces cut by a photo's edge (bench/edge_faces.py) 348 found
# against 341 (docs/performance.md).
FINE_PAD = 0.04
# Two boxes are one face when their overlap is at least this share of the smaller box. High on
# purpose: merging two real faces would hide one; a face reported twice only costs a review.
SAME_FACE_OVERLAP = 0.5


@dataclass(frozen=True)
class DetectionSettings:
    max_side: int  # photos are decoded with the long side reduced to at most this; faces are
    #                measured and encoded at this resolution
    detect_side: int  # the detector looks at a copy reduced to at most this long side
    upsample: int  # detector upsampling passes: each finds 2x smaller faces at 4x the cost
    min_face_px: int  # faces smaller than this (at max_side) are not identified
    detector: Detector = Detector.YUNET
    score_threshold: float = 0.7  # YuNet: a face needs at least this confidence (0-1)

    def cache_key(self) -> str:
        key = (
            f"max_side={self.max_side};detect_side={self.detect_side};"
            f"upsample={self.upsample};min_face={self.min_face_px};detector={self.detector.value}"
        )
        if self.detector is not Detector.HOG:
            key += (
                f";yunet_sides={self.detect_side},{COARSE_SIDE};score={self.score_threshold}"
                f";yunet_pads={FINE_PAD},{YUNET_PAD}"
                f";yunet_model={MODEL_SHA256}"
            )
        return key


RawBox = tuple[int, int, int, int]  # (top, right, bottom, left) in analysed pixels


class FaceEngine(Protocol):
    name: str  # identifies the model, for the cache key

    def find_faces(self, pixels: Pixels, upsample: int) -> list[RawBox]: ...

    def find_faces_yunet(
        self, pixels: Pixels, score_threshold: float, pad: float = YUNET_PAD
    ) -> list[RawBox]: ...

    def encode(self, pixels: Pixels, boxes: list[RawBox]) -> list[Encoding]: ...


class DlibEngine:
    """face_recognition on dlib: HOG detector, 5-point landmarks, ResNet encoder."""

    name = "face_recognition-1.3.0/hog/small-landmarks/jitter1"

    def __init__(self) -> None:
        self._fr: Any = None
        self._yunet: YuNetDetector | None = None

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

    def find_faces_yunet(
        self, pixels: Pixels, score_threshold: float, pad: float = YUNET_PAD
    ) -> list[RawBox]:
        if self._yunet is None:
            self._yunet = YuNetDetector()  # loaded in the worker that uses it
        return [box for box, _score in self._yunet.find(pixels, score_threshold, pad)]

    def encode(self, pixels: Pixels, boxes: list[RawBox]) -> list[Encoding]:
        if not boxes:
            return []
        encs = self._api().face_encodings(pixels, known_face_locations=boxes, model="small")
        return [np.asarray(e, dtype=np.float64) for e in encs]


Known = Callable[[Box, RawBox], Encoding | None]  # an earlier encoding that stands for a face


def analyze(
    engine: FaceEngine,
    image: LoadedImage,
    settings: DetectionSettings,
    *,
    encode: bool = True,
    known: Known | None = None,
) -> tuple[DetectedFace, ...]:
    """Find every face; encode those large enough to identify (none without `encode`). A video
    passes `known`: a face it returns an encoding for (one it follows) is not encoded again."""
    raw = [_clip(b, image.pixels.shape) for b in find_boxes(engine, image.pixels, settings)]
    raw = [b for b in raw if b[1] > b[3] and b[2] > b[0]]
    scale = image.scale
    boxes = {b: Box(*(round(v * scale) for v in b)) for b in raw}
    big = [b for b in raw if _size(b) >= settings.min_face_px] if encode else []
    followed = {b: e for b in big if known and (e := known(boxes[b], b)) is not None}
    todo = [b for b in big if b not in followed]
    encodings = dict(zip(todo, engine.encode(image.pixels, todo), strict=True))
    faces = [
        DetectedFace(
            box=boxes[b],
            size_px=_size(b),
            encoding=encodings.get(b, followed.get(b)),
            fresh=b not in followed,
        )
        for b in raw
    ]
    return tuple(sorted(faces, key=lambda f: (f.box.left, f.box.top)))


def find_boxes(engine: FaceEngine, pixels: Pixels, settings: DetectionSettings) -> list[RawBox]:
    """Every face box the chosen detector(s) find, in `pixels` coordinates (not yet clipped)."""
    boxes: list[RawBox] = []
    if settings.detector is not Detector.HOG:
        views = [(settings.detect_side, YUNET_PAD)]
        if min(settings.detect_side, max(pixels.shape[:2])) > COARSE_SIDE:
            # the coarse view's mirrored border catches the larger faces cut by the edge
            views = [(settings.detect_side, FINE_PAD), (COARSE_SIDE, YUNET_PAD)]
        for side, pad in views:
            view, factor = _detection_view(pixels, side)
            for b in engine.find_faces_yunet(view, settings.score_threshold, pad):
                _add_new(boxes, _scaled(b, factor))
    if settings.detector is not Detector.YUNET:
        view, factor = _detection_view(pixels, settings.detect_side)
        for b in engine.find_faces(view, settings.upsample):
            if settings.detector is Detector.HOG:
                boxes.append(_scaled(b, factor))
            else:
                _add_new(boxes, _scaled(b, factor))
    return boxes


def _scaled(b: RawBox, factor: float) -> RawBox:
    top, right, bottom, left = (round(v * factor) for v in b)
    return (top, right, bottom, left)


def _add_new(boxes: list[RawBox], box: RawBox) -> None:
    """Add `box` unless it is a face already in `boxes`."""
    if not any(_same_face(box, other) for other in boxes):
        boxes.append(box)


def _same_face(a: RawBox, b: RawBox) -> bool:
    width = min(a[1], b[1]) - max(a[3], b[3])
    height = min(a[2], b[2]) - max(a[0], b[0])
    if width <= 0 or height <= 0:
        return False
    smaller = min((a[1] - a[3]) * (a[2] - a[0]), (b[1] - b[3]) * (b[2] - b[0]))
    return width * height >= SAME_FACE_OVERLAP * max(smaller, 1)


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

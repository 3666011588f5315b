"""Which views the detector searches, and how far each is mirrored at its edges (fake engine)."""

from __future__ import annotations

import numpy as np
import pytest

from fotopoort.engines import faces
from fotopoort.engines.faces import COARSE_SIDE, FINE_PAD, DetectionSettings, find_boxes
from fotopoort.engines.yunet import PAD
from fotopoort.media.photos import Pixels

from .fakes import FakeEngine

SETTINGS = DetectionSettings(max_side=2000, detect_side=1600, upsample=1, min_face_px=60)


class Recording(FakeEngine):
    def __init__(self) -> None:
        self.views: list[tuple[int, float]] = []

    def find_faces_yunet(
        self, pixels: Pixels, score_threshold: float, pad: float = PAD
    ) -> list[tuple[int, int, int, int]]:
        self.views.append((max(pixels.shape[:2]), pad))
        return []


def views_of(width: int, height: int) -> list[tuple[int, float]]:
    engine = Recording()
    find_boxes(engine, np.zeros((height, width, 3), dtype=np.uint8), SETTINGS)
    return engine.views


def test_a_camera_photo_is_searched_fine_with_a_narrow_border_and_coarse_with_a_wide_one() -> None:
    assert views_of(2000, 1500) == [(1600, FINE_PAD), (COARSE_SIDE, PAD)]
    assert FINE_PAD < PAD  # the coarse view's border catches the larger faces cut by the edge


def test_a_photo_too_small_for_a_coarse_view_keeps_the_wide_border() -> None:
    """Without the coarse view nothing else would catch a large face cut by the edge."""
    assert views_of(640, 480) == [(640, PAD)]
    assert views_of(250, 250) == [(250, PAD)]


def test_the_borders_are_part_of_the_cache_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """An analysis cached with other borders is not reused: it may hold fewer faces."""
    before = SETTINGS.cache_key()
    monkeypatch.setattr(faces, "FINE_PAD", 0.1)
    assert SETTINGS.cache_key() != before

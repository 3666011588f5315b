"""Encodings -> identities. Pure numpy; no image, no database.

A face is identified as child C only when its distance to C (the smallest distance to any of C's
reference encodings) is within `tolerance` and every other enrolled child is at least `margin`
further away. Two or more children within tolerance make the face ambiguous; otherwise it is
unknown. Both send the photo to review: an unsure match is never treated as consent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

import numpy as np
import numpy.typing as npt

Encoding = npt.NDArray[np.float64]


class MatchStatus(Enum):
    IDENTIFIED = "identified"
    AMBIGUOUS = "ambiguous"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Thresholds:
    tolerance: float
    margin: float


@dataclass(frozen=True)
class Match:
    status: MatchStatus
    child: str | None  # set when identified; for ambiguous/unknown: the nearest child, if any
    distance: float | None  # distance to `child`
    runner_up: str | None = None
    runner_up_distance: float | None = None


class Gallery:
    """The enrolled reference encodings, one row per reference photo."""

    def __init__(self, references: Mapping[str, Sequence[Encoding]]) -> None:
        labels: list[str] = []
        rows: list[Encoding] = []
        for child in sorted(references):
            for enc in references[child]:
                labels.append(child)
                rows.append(np.asarray(enc, dtype=np.float64))
        self.children: tuple[str, ...] = tuple(sorted({c for c in labels}))
        self._labels = np.array(labels, dtype=object)
        self._matrix = np.vstack(rows) if rows else np.zeros((0, 128))

    def __len__(self) -> int:
        return len(self.children)

    def child_distances(self, encoding: Encoding) -> dict[str, float]:
        """Smallest distance from `encoding` to each enrolled child."""
        if not self.children:
            return {}
        d = np.linalg.norm(self._matrix - np.asarray(encoding, dtype=np.float64), axis=1)
        out: dict[str, float] = {}
        for label, dist in zip(self._labels, d, strict=True):
            key = str(label)
            if key not in out or dist < out[key]:
                out[key] = float(dist)
        return out


def identify(encoding: Encoding, gallery: Gallery, thresholds: Thresholds) -> Match:
    distances = sorted(gallery.child_distances(encoding).items(), key=lambda kv: kv[1])
    if not distances:
        return Match(MatchStatus.UNKNOWN, None, None)
    best, best_d = distances[0]
    second, second_d = distances[1] if len(distances) > 1 else (None, None)
    within = [c for c, d in distances if d <= thresholds.tolerance]
    if len(within) >= 2:
        return Match(MatchStatus.AMBIGUOUS, best, best_d, second, second_d)
    if within and (second_d is None or second_d - best_d >= thresholds.margin):
        return Match(MatchStatus.IDENTIFIED, best, best_d, second, second_d)
    return Match(MatchStatus.UNKNOWN, best, best_d, second, second_d)

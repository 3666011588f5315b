"""Encodings -> identities. Pure numpy; no image, no database.

The rule (measured in docs/accuracy.md, `make bench-matching`): a face is identified as child C
only when all of these hold.

1. C has at least `min_references` reference encodings (default 1).
2. The face is within C's *own range* from *every* reference of C: its distance to each of them
   is at most C's radius, `spread_factor` x the largest distance between C's references, and
   never more than `tolerance`. A child whose references lie close together gets a small
   radius; a look-alike that is merely "near" is outside it. The largest distance, not the
   median, because the face must be near every reference: with more references the furthest
   one is further away, and so is the largest distance between them (with the median, more
   references made a child harder to recognise). One reference says nothing about how much C's
   face varies: such a child gets the fixed, small `single_reference_range` (0: never named).
3. Every other enrolled child is at least `margin` further away than C (nearest references).
4. C is not part of a look-alike pair: no reference of another enrolled child lies within
   `lookalike_factor` x C's radius of C's references (twins, siblings, or children the model
   cannot tell apart). Such children always go to review.

Why this shape: dlib's model puts different young children closer together (0.31 in
../shared/faces) than photos of one real person usually are (0.36-0.42). No single distance
separates them; a child's own references are the only scale the gallery has. Each condition
only ever removes identifications, so tightening any threshold, or enrolling one more child,
never turns a face that was not identified into one identified as an already enrolled child
(tests/test_matching.py checks both with hypothesis).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from enum import Enum

import numpy as np
import numpy.typing as npt

Encoding = npt.NDArray[np.float64]


class MatchStatus(Enum):
    IDENTIFIED = "identified"
    AMBIGUOUS = "ambiguous"
    UNKNOWN = "unknown"


class MatchWhy(Enum):
    """Why a face was not identified as its nearest enrolled child."""

    NO_GALLERY = "no_gallery"  # nobody is enrolled
    BEYOND_TOLERANCE = "beyond_tolerance"  # further than `tolerance` from every reference
    FEW_REFERENCES = "few_references"  # the nearest child has fewer than min_references
    OUTSIDE_RANGE = "outside_range"  # not within the child's own range of every reference
    MARGIN = "margin"  # another child is nearly as close
    LOOKALIKE = "lookalike"  # the nearest child is one of a look-alike pair


@dataclass(frozen=True)
class Thresholds:
    tolerance: float  # absolute cap on the distance to any reference
    margin: float  # every other child at least this much further
    spread_factor: float = 0.95  # radius = this x largest distance between own references
    min_references: int = 1  # fewer references: never identified automatically
    lookalike_factor: float = 1.0  # another child's reference this close (x radius): review
    single_reference_range: float = 0.25  # the range of a child with one reference; 0: never

    def as_dict(self) -> dict[str, float]:
        return {key: getattr(self, key) for key in THRESHOLD_KEYS}


# The thresholds' names, in their order: the keys of `matching:` in consents.yaml, the audit
# trail's `thresholds` and what `calibrate --write` writes.
THRESHOLD_KEYS = tuple(f.name for f in fields(Thresholds))


@dataclass(frozen=True)
class Profile:
    """What the gallery knows about one enrolled child: its references' count and spread, and
    the nearest other enrolled child."""

    child: str
    references: int
    spread: float | None  # largest distance between its references; None with one reference
    nearest_other: str | None
    nearest_other_distance: float | None  # closest pair of references of the two children

    def radius(self, t: Thresholds) -> float | None:
        """The distance within which a face may lie from every reference; None: never."""
        if self.references < max(1, t.min_references):
            return None
        if self.spread is None:  # one reference says nothing about its spread: a fixed range
            if t.single_reference_range <= 0:
                return None
            return min(t.tolerance, t.single_reference_range)
        return min(t.tolerance, t.spread_factor * self.spread)

    def lookalike(self, t: Thresholds) -> bool:
        radius = self.radius(t)
        if radius is None or self.nearest_other_distance is None or t.lookalike_factor <= 0:
            return False
        return self.nearest_other_distance <= t.lookalike_factor * radius


@dataclass(frozen=True)
class Match:
    status: MatchStatus
    child: str | None  # set when identified; for ambiguous/unknown: the nearest child, if any
    distance: float | None  # distance to `child` (nearest reference)
    runner_up: str | None = None
    runner_up_distance: float | None = None
    why: MatchWhy | None = None  # set when not identified
    reach: float | None = None  # distance to the furthest reference of `child`
    radius: float | None = None  # `child`'s radius under the thresholds used


class Gallery:
    """The enrolled reference encodings, one row per reference photo."""

    def __init__(self, references: Mapping[str, Sequence[Encoding]]) -> None:
        labels: list[str] = []
        rows: list[Encoding] = []
        for child in sorted(references):
            for enc in references[child]:
                labels.append(child)
                rows.append(np.asarray(enc, dtype=np.float64))
        self.children: tuple[str, ...] = tuple(sorted(set(labels)))
        self._labels = np.array(labels, dtype=object)
        self._matrix = np.vstack(rows) if rows else np.zeros((0, 128))
        self._rows = {c: np.flatnonzero(self._labels == c) for c in self.children}
        self.profiles: dict[str, Profile] = self._profiles()

    def __len__(self) -> int:
        return len(self.children)

    def _profiles(self) -> dict[str, Profile]:
        m = self._matrix
        pair = np.linalg.norm(m[:, None, :] - m[None, :, :], axis=2) if len(m) else m
        out = {}
        for child, rows in self._rows.items():
            own = pair[np.ix_(rows, rows)]
            upper = own[np.triu_indices(len(rows), k=1)]
            nearest, nearest_d = None, None
            for other, other_rows in self._rows.items():
                if other == child:
                    continue
                d = float(pair[np.ix_(rows, other_rows)].min())
                if nearest_d is None or d < nearest_d:
                    nearest, nearest_d = other, d
            spread = float(upper.max()) if len(upper) else None
            out[child] = Profile(child, len(rows), spread, nearest, nearest_d)
        return out

    def reference_distances(self, encoding: Encoding) -> dict[str, npt.NDArray[np.float64]]:
        """Distances from `encoding` to every reference, per child."""
        if not self.children:
            return {}
        d = np.linalg.norm(self._matrix - np.asarray(encoding, dtype=np.float64), axis=1)
        return {c: d[rows] for c, rows in self._rows.items()}

    def child_distances(self, encoding: Encoding) -> dict[str, float]:
        """Smallest distance from `encoding` to each enrolled child."""
        return {c: float(d.min()) for c, d in self.reference_distances(encoding).items()}

    def lookalike_pairs(self, t: Thresholds) -> list[tuple[str, str, float]]:
        """(child, other, distance) for every child the look-alike guard keeps in review."""
        return sorted(
            (p.child, p.nearest_other, p.nearest_other_distance)
            for p in self.profiles.values()
            if p.lookalike(t)
            and p.nearest_other is not None
            and p.nearest_other_distance is not None
        )


def identify(encoding: Encoding, gallery: Gallery, thresholds: Thresholds) -> Match:
    return identify_distances(gallery.reference_distances(encoding), gallery, thresholds)


def identify_distances(
    per_child: Mapping[str, npt.NDArray[np.float64]], gallery: Gallery, thresholds: Thresholds
) -> Match:
    """`identify` from `gallery.reference_distances(encoding)` (computed once, e.g. for many
    thresholds in the benchmark)."""
    if not per_child:
        return Match(MatchStatus.UNKNOWN, None, None, why=MatchWhy.NO_GALLERY)
    ranked = sorted(per_child.items(), key=lambda kv: (float(kv[1].min()), kv[0]))
    best, refs = ranked[0]
    best_d, reach = float(refs.min()), float(refs.max())
    second, second_d = (
        (ranked[1][0], float(ranked[1][1].min())) if len(ranked) > 1 else (None, None)
    )
    profile = gallery.profiles[best]
    radius = profile.radius(thresholds)

    def match(status: MatchStatus, why: MatchWhy | None) -> Match:
        return Match(status, best, best_d, second, second_d, why, reach, radius)

    if best_d > thresholds.tolerance:
        return match(MatchStatus.UNKNOWN, MatchWhy.BEYOND_TOLERANCE)
    if second_d is not None and second_d - best_d < thresholds.margin:
        return match(MatchStatus.AMBIGUOUS, MatchWhy.MARGIN)
    if radius is None:
        return match(MatchStatus.UNKNOWN, MatchWhy.FEW_REFERENCES)
    if reach > radius:
        return match(MatchStatus.UNKNOWN, MatchWhy.OUTSIDE_RANGE)
    if profile.lookalike(thresholds):
        return match(MatchStatus.AMBIGUOUS, MatchWhy.LOOKALIKE)
    return match(MatchStatus.IDENTIFIED, None)

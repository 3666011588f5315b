"""Faces in sampled video frames -> tracks, one per person on screen. Pure (numpy only).

A video is then decided like a photo whose faces are its tracks (decide.py), so the safety
contract carries over: `allowed` only when every track is identified with confidence as a child
with consent. The rules that keep it fail safe:

- A face that fits no track starts its own track: no face seen in any sampled frame is dropped.
- A face is linked to a track only when it looks like it (encoding distance) and is near it,
  or, without an encoding to compare, when its box overlaps the track's last box. A face that is
  not identified must look like the track's identified faces themselves (no drift, step by step,
  from a child to a stranger).
- A face identified as child X never joins a track already identified as another child, so a
  child without consent seen for a moment beside (or after) another child keeps its own track.
- A track is identified as X only when more than half of its encoded faces are identified as X;
  otherwise it is ambiguous or unknown (review). A track with no encodable face is too small.
- Two tracks identified as one child at overlapping times are both ambiguous (a look-alike).
- The Follower lets a face identified from its own encoding stand for the same face in the
  next samples (the same place, size and look, for less than a few seconds, no scene cut
  between): it votes as that face did, as a new encoding of the same pixels would. An unknown
  or ambiguous face is never followed: it is encoded in every sample.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from fotopoort.matching import Encoding
from fotopoort.model import Box, FaceResult, FaceStatus
from fotopoort.videoconfig import FollowSettings, TrackSettings


@dataclass(frozen=True)
class Observation:
    """One face in one sampled frame, identified on its own as in a photo."""

    time: float  # seconds from the start of the video
    face: FaceResult
    encoding: Encoding | None  # stored only while the video's analysis is unfinished


@dataclass
class Track:
    observations: list[Observation] = field(default_factory=list)

    @property
    def last(self) -> Observation:
        return self.observations[-1]

    def last_encoding(self) -> Encoding | None:
        for obs in reversed(self.observations):
            if obs.encoding is not None:
                return obs.encoding
        return None

    def named_encodings(self) -> list[Encoding]:
        return [
            o.encoding
            for o in self.observations
            if o.face.status is FaceStatus.IDENTIFIED and o.encoding is not None
        ]

    def children(self) -> set[str]:
        return {
            o.face.child
            for o in self.observations
            if o.face.status is FaceStatus.IDENTIFIED and o.face.child is not None
        }


def iou(a: Box, b: Box) -> float:
    w = min(a.right, b.right) - max(a.left, b.left)
    h = min(a.bottom, b.bottom) - max(a.top, b.top)
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    union = a.width * a.height + b.width * b.height - inter
    return inter / union if union > 0 else 0.0


def _shift(a: Box, b: Box) -> float:
    """Distance between the boxes' centres, in face sizes (the larger box)."""
    ax, ay = (a.left + a.right) / 2, (a.top + a.bottom) / 2
    bx, by = (b.left + b.right) / 2, (b.top + b.bottom) / 2
    size = max(a.width, a.height, b.width, b.height, 1)
    return float(np.hypot(ax - bx, ay - by)) / size


def _link_cost(track: Track, obs: Observation, settings: TrackSettings) -> float | None:
    """How well `obs` continues `track` (lower is better), or None when it may not."""
    named = track.children()
    if obs.face.status is FaceStatus.IDENTIFIED and named and named != {obs.face.child}:
        return None
    last = track.last
    previous = track.last_encoding()
    if obs.encoding is not None and previous is not None:
        distance = float(np.linalg.norm(obs.encoding - previous))
        if distance > settings.link_distance:
            return None
        anchors = track.named_encodings()
        if obs.face.status is not FaceStatus.IDENTIFIED and anchors:
            # an unnamed face must look like the named faces themselves, not only like the
            # last one: a chain of small steps must not carry a stranger into a child's track
            nearest = min(float(np.linalg.norm(obs.encoding - a)) for a in anchors)
            if nearest > settings.link_distance:
                return None
        if _shift(last.face.box, obs.face.box) > settings.max_shift:
            return None
        return distance
    overlap = iou(last.face.box, obs.face.box)
    if overlap < settings.min_overlap:
        return None
    return 1.0 + (1.0 - overlap)  # after every link by appearance


def build_tracks(
    frames: Sequence[tuple[float, Sequence[Observation]]], settings: TrackSettings
) -> list[Track]:
    """Link the faces of frames (in time order) into tracks, each face into exactly one."""
    tracks: list[Track] = []
    for time, observations in frames:
        active = [
            i
            for i, t in enumerate(tracks)
            if t.last.time < time and time - t.last.time <= settings.max_gap
        ]
        pairs = []
        for o, obs in enumerate(observations):
            for i in active:
                cost = _link_cost(tracks[i], obs, settings)
                if cost is not None:
                    pairs.append((cost, i, o))
        pairs.sort()
        used_tracks: set[int] = set()
        placed: set[int] = set()
        for _cost, i, o in pairs:  # greedy, cheapest first: one face per track per frame
            if i in used_tracks or o in placed:
                continue
            tracks[i].observations.append(observations[o])
            used_tracks.add(i)
            placed.add(o)
        for o, obs in enumerate(observations):
            if o not in placed:
                tracks.append(Track([obs]))
    return sorted(tracks, key=lambda t: (t.observations[0].time, t.observations[0].face.box.left))


def summarise(track: Track) -> FaceResult:
    """The track as one face: its identity by the rules above, its largest box and its times."""
    obs = track.observations
    best = max(obs, key=lambda o: (o.face.box.width * o.face.box.height, -o.time))
    size = max(o.face.size_px for o in obs)
    base = FaceResult(
        best.face.box,
        FaceStatus.TOO_SMALL,
        None,
        None,
        size,
        start=obs[0].time,
        end=obs[-1].time,
        frame=best.time,
    )
    encoded = [o for o in obs if o.face.status is not FaceStatus.TOO_SMALL]
    if not encoded:
        return base
    identified = [o for o in encoded if o.face.status is FaceStatus.IDENTIFIED]
    children = {o.face.child for o in identified}
    if len(children) == 1 and 2 * len(identified) > len(encoded):
        distances = [o.face.distance for o in identified if o.face.distance is not None]
        return replace(
            base,
            status=FaceStatus.IDENTIFIED,
            child=identified[0].face.child,
            distance=max(distances) if distances else None,  # the weakest match it rests on
        )
    nearest = [o for o in encoded if o.face.status is not FaceStatus.UNKNOWN and o.face.child]
    ambiguous = [o for o in encoded if o.face.status is FaceStatus.AMBIGUOUS]
    if nearest and (ambiguous or len(children) > 1):
        child, _ = Counter(o.face.child for o in nearest).most_common(1)[0]
        distances = [
            o.face.distance
            for o in nearest
            if o.face.child == child and o.face.distance is not None
        ]
        return replace(
            base,
            status=FaceStatus.AMBIGUOUS,
            child=child,
            distance=min(distances) if distances else None,
        )
    return replace(base, status=FaceStatus.UNKNOWN)


def video_faces(tracks: Sequence[Track]) -> tuple[FaceResult, ...]:
    """One FaceResult per track; tracks of one child that overlap in time are ambiguous."""
    faces = [summarise(t) for t in tracks]
    out = []
    for i, face in enumerate(faces):
        clash = face.status is FaceStatus.IDENTIFIED and any(
            j != i
            and other.status is FaceStatus.IDENTIFIED
            and other.child == face.child
            and _overlap(face, other)
            for j, other in enumerate(faces)
        )
        out.append(replace(face, status=FaceStatus.AMBIGUOUS) if clash else face)
    return tuple(out)


def _overlap(a: FaceResult, b: FaceResult) -> bool:
    assert a.start is not None and a.end is not None and b.start is not None and b.end is not None
    return a.start <= b.end and b.start <= a.end


Look = np.ndarray  # a face's small grey view, normalised (mean 0, spread 1): how it looks


@dataclass(frozen=True, eq=False)
class _Followed:
    box: Box
    encoding: Encoding
    encoded_at: float  # when `encoding` was computed, on a frame where the face looked `look`
    look: Look


class Follower:
    """Which faces of a sampled frame may keep the encoding of the face they follow from the
    sample before, instead of a new one. Pure: the video module feeds it boxes and looks.

    A face follows an earlier one only when exactly one face of the sample before is near it
    (centre within `max_shift` face sizes, size within `max_scale`), that face was encoded less
    than `reencode_after` seconds ago, its look then and this face's look now differ by at most
    `max_change`, and no scene cut came between. Anything else is encoded afresh: a face that
    changed, moved fast or appeared is never taken for someone else."""

    def __init__(self, settings: FollowSettings) -> None:
        self._settings = settings
        self._previous: list[_Followed] = []
        self._sources: dict[Box, _Followed] = {}
        self._time = 0.0

    def begin(self, time: float, cut: bool) -> None:
        self._time = time
        if cut:
            self._previous = []
        self._sources = {}

    def known(self, box: Box, look: Look) -> Encoding | None:
        s = self._settings
        near = [
            p
            for p in self._previous
            if _shift(p.box, box) <= s.max_shift and _scale(p.box, box) <= s.max_scale
        ]
        if len(near) != 1:
            return None
        source = near[0]
        if self._time - source.encoded_at >= s.reencode_after:
            return None
        if any(v is source for v in self._sources.values()):  # one face follows one face
            return None
        if look.shape != source.look.shape or change(look, source.look) > s.max_change:
            return None
        self._sources[box] = source
        return source.encoding

    def end(self, faces: Sequence[tuple[Box, Encoding | None, Look | None]]) -> None:
        """The frame's faces (box, encoding, look): what the next sample may follow."""
        now: list[_Followed] = []
        for box, encoding, look in faces:
            if encoding is None or look is None:
                continue
            source = self._sources.get(box)
            if source is not None:
                now.append(_Followed(box, source.encoding, source.encoded_at, source.look))
            else:
                now.append(_Followed(box, encoding, self._time, look))
        self._previous = now


def _scale(a: Box, b: Box) -> float:
    sa, sb = max(a.width, a.height, 1), max(b.width, b.height, 1)
    return max(sa, sb) / min(sa, sb)


def change(a: Look, b: Look) -> float:
    """Mean absolute difference of two normalised looks: about 0 for one face, 1 for two."""
    return float(np.abs(a - b).mean())


def normalised(grey: np.ndarray) -> Look:
    values = grey.astype(np.float32)
    look: Look = (values - values.mean()) / max(float(values.std()), 1.0)
    return look

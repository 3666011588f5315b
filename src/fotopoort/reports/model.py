"""The typed content of a report: what a person needs to see per photo. No I/O, no HTML."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from fotopoort.channels import Channel
from fotopoort.messages.reasons import reason_text
from fotopoort.model import (
    Box,
    ConsentSnapshot,
    Decision,
    FaceStatus,
    PhotoAnalysis,
    ReasonCode,
    Verdict,
)
from fotopoort.reports.thumbnails import Thumbnail


class FaceKind(StrEnum):
    """How one face counts for one channel."""

    CONSENT = "consent"  # identified (or named by a person), with consent for the channel
    NO_CONSENT = "no-consent"  # identified, without consent: blocks the photo
    UNSURE = "unsure"  # unknown, ambiguous or too small: a person must look


@dataclass(frozen=True)
class ReportFace:
    number: int  # 1-based, as in the reasons ("face 2: ...", "track 2, ...")
    box: Box  # upright, full-resolution coordinates (a track's: in the frame at `frame`)
    name: str | None  # the child's first name, when identified or named by a person
    status: FaceStatus
    kinds: Mapping[Channel, FaceKind]
    # a video's track: where it is seen and the frame where it is largest (seconds)
    start: float | None = None
    end: float | None = None
    frame: float | None = None


@dataclass(frozen=True)
class ChannelDecision:
    verdict: Verdict
    reasons: tuple[str, ...]
    redacted: str | None = None  # the redacted copy's path under OUT, when one was written


@dataclass(frozen=True)
class ReportPhoto:
    rel: str
    thumbnail: Thumbnail | None
    faces: tuple[ReportFace, ...]
    decisions: Mapping[Channel, ChannelDecision]
    error: str | None = None
    video: bool = False  # its faces are tracks, each shown with its own thumbnail
    tracks: tuple[Thumbnail | None, ...] = ()  # a video's: one per face (track)
    anchor: str | None = None  # the sha256 a video's track ids are made of (track_id)


def track_id(sha256: str, number: int) -> str:
    """The HTML report's id of a video track's thumbnail: what report.json's `thumbnail`
    refers to (`report.html#<id>`). By content, not by path: it names the same frame in
    every report that shows the video."""
    return f"track-{sha256}-{number}"


@dataclass(frozen=True)
class Report:
    title: str
    generated: str  # when, as text (UTC)
    snapshot: str  # which consent export the decisions are based on
    channels: tuple[Channel, ...]
    photos: tuple[ReportPhoto, ...]


_UNSURE_CODES = frozenset({ReasonCode.UNKNOWN_FACE, ReasonCode.AMBIGUOUS_FACE})


def face_kinds(decision: Decision, n_faces: int) -> list[FaceKind]:
    """Each face's kind for one channel, from the decision's reasons (the one source of truth)."""
    kinds = [FaceKind.UNSURE] * n_faces
    for reason in decision.reasons:
        if reason.face is None or not 0 <= reason.face < n_faces:
            continue
        if reason.code is ReasonCode.CONSENT:
            kinds[reason.face] = FaceKind.CONSENT
        elif reason.code is ReasonCode.NO_CONSENT:
            kinds[reason.face] = FaceKind.NO_CONSENT
    return kinds


def report_photo(
    rel: str,
    analysis: PhotoAnalysis,
    decisions: Mapping[Channel, Decision],
    first_names: Mapping[str, str],
    thumbnail: Thumbnail | None,
    redacted: Mapping[Channel, str] | None = None,
    consents: ConsentSnapshot | None = None,
    *,
    video: bool = False,
    tracks: tuple[Thumbnail | None, ...] = (),
    anchor: str | None = None,
) -> ReportPhoto:
    """One photo's entry, from its analysis (with review applied) and its decision per channel;
    the reasons in this run's language, children named from `consents`."""
    n = len(analysis.faces)
    per_channel = {ch: face_kinds(d, n) for ch, d in decisions.items()}
    named = (FaceStatus.IDENTIFIED, FaceStatus.ASSIGNED)
    faces = tuple(
        ReportFace(
            number=i + 1,
            box=f.box,
            name=(first_names.get(f.child) or f.child)
            if f.child is not None and f.status in named
            else None,
            status=f.status,
            kinds={ch: kinds[i] for ch, kinds in per_channel.items()},
            start=f.start,
            end=f.end,
            frame=f.frame,
        )
        for i, f in enumerate(analysis.faces)
    )
    redacted = redacted or {}
    return ReportPhoto(
        rel=rel,
        thumbnail=thumbnail,
        faces=faces,
        decisions={
            ch: ChannelDecision(
                d.verdict, tuple(reason_text(r, consents) for r in d.reasons), redacted.get(ch)
            )
            for ch, d in decisions.items()
        },
        error=analysis.error,
        video=video,
        tracks=tracks,
        anchor=anchor,
    )


def counts(report: Report) -> dict[Channel, dict[str, int]]:
    """Per channel: photos per verdict, and redacted copies waiting for a person."""
    out = {ch: {"allowed": 0, "review": 0, "blocked": 0, "redacted": 0} for ch in report.channels}
    for photo in report.photos:
        for ch, d in photo.decisions.items():
            out[ch][d.verdict.value] += 1
            out[ch]["redacted"] += d.redacted is not None
    return out


def channels_of(photos: Sequence[ReportPhoto]) -> tuple[Channel, ...]:
    seen: dict[Channel, None] = {}
    for p in photos:
        seen.update(dict.fromkeys(p.decisions))
    return tuple(seen)

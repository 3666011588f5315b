"""Faces + identities + consents + channel -> a Decision with reasons. Pure.

The safety contract (GUIDE.md, section 2): `allowed` only when every face is identified with
confidence as an enrolled child whose answer for the channel is Ja. An identified child without
that answer blocks the photo; a face that is unknown, ambiguous or too small sends it to review;
a file that cannot be read whole is blocked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from .channels import Channel
from .consents import ChildConsent, ConsentSnapshot
from .faces import Box


class Verdict(StrEnum):
    ALLOWED = "allowed"
    REVIEW = "review"
    BLOCKED = "blocked"


class FaceStatus(StrEnum):
    IDENTIFIED = "identified"
    ASSIGNED = "assigned"  # a person said who it is (fotopoort review assign)
    AMBIGUOUS = "ambiguous"
    UNKNOWN = "unknown"
    TOO_SMALL = "too_small"


class ReasonCode(StrEnum):
    CONSENT = "consent"  # an identified child whose answer is Ja (explains an allowed photo)
    NO_FACES = "no_faces"
    NO_CONSENT = "no_consent"
    UNKNOWN_FACE = "unknown_face"
    AMBIGUOUS_FACE = "ambiguous_face"
    SMALL_FACE = "small_face"
    UNREADABLE = "unreadable"
    HUMAN_APPROVED = "human_approved"  # a person approved a photo that was in review
    APPROVAL_VOID = "approval_void"  # an earlier approval no longer holds
    VIDEO_LIMIT = "video_limit"  # a video longer or larger than consents.yaml's video limits
    VIDEO_PARTIAL = "video_partial"  # ... decided on the part analysed, as consents.yaml says


BLOCKING = frozenset({ReasonCode.NO_CONSENT, ReasonCode.UNREADABLE})
NEEDS_REVIEW = frozenset(
    {ReasonCode.UNKNOWN_FACE, ReasonCode.AMBIGUOUS_FACE, ReasonCode.SMALL_FACE}
    | {ReasonCode.VIDEO_LIMIT}
)


@dataclass(frozen=True)
class MatchNote:
    """Why a face was not identified (fotopoort.matching.MatchWhy), and its nearest child."""

    why: str
    nearest: str | None
    distance: float | None  # to the nearest reference of `nearest`
    reach: float | None  # to the furthest reference of `nearest`
    radius: float | None  # `nearest`'s range; None when it has too few references


@dataclass(frozen=True)
class FaceResult:
    """One face found in a checked photo. Never holds an encoding."""

    box: Box
    status: FaceStatus
    child: str | None  # identified child (or, for ambiguous, the nearest one)
    distance: float | None
    size_px: int
    # A video's "face" is a track (tracks.py): where it is seen, in seconds from the start;
    # `box` is its box in the frame at `frame` (where it is largest). None for a photo.
    start: float | None = None
    end: float | None = None
    frame: float | None = None
    note: MatchNote | None = None  # set when the matcher did not identify the face


@dataclass(frozen=True)
class PhotoAnalysis:
    faces: tuple[FaceResult, ...]
    error: str | None = None  # set when the file cannot be read whole
    # A video beyond consents.yaml's video limits: what was left out, and whether the
    # policy lets the analysed part decide (otherwise the video goes to review).
    limit: str | None = None
    limit_decides: bool = False


@dataclass(frozen=True)
class Reason:
    code: ReasonCode
    message: str
    child: str | None = None
    face: int | None = None  # index into the photo's faces


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reasons: tuple[Reason, ...]


def required_channel(child: ChildConsent | None, channel: Channel, group: str | None) -> Channel:
    """Which answer a child needs. With --group, the stamgroep channel reaches parents of that
    group only: a child of another group is seen by parents outside its own group, so it needs
    its school answer."""
    if (
        channel is Channel.STAMGROEP
        and group is not None
        and child is not None
        and child.group.casefold() != group.casefold()
    ):
        return Channel.SCHOOL
    return channel


def child_label(child: str, consents: ConsentSnapshot) -> str:
    known = consents.children.get(child)
    return f"{known.first_name} ({child})" if known and known.first_name else child


def decide(
    analysis: PhotoAnalysis,
    consents: ConsentSnapshot,
    channel: Channel,
    group: str | None = None,
) -> Decision:
    if analysis.error is not None:
        reason = Reason(ReasonCode.UNREADABLE, f"unreadable: {analysis.error}")
        return Decision(Verdict.BLOCKED, (reason,))
    if not analysis.faces and analysis.limit is None:
        return Decision(Verdict.ALLOWED, (Reason(ReasonCode.NO_FACES, "no faces found"),))
    reasons = [_face_reason(i, f, consents, channel, group) for i, f in enumerate(analysis.faces)]
    if not reasons and analysis.limit is None:
        reasons.append(Reason(ReasonCode.NO_FACES, "no faces found"))
    if analysis.limit is not None:
        reasons.append(_limit_reason(analysis.limit, analysis.limit_decides))
    return Decision(verdict_for(reasons), tuple(reasons))


def _limit_reason(limit: str, decides: bool) -> Reason:
    if decides:
        return Reason(ReasonCode.VIDEO_PARTIAL, f"{limit}: decided on the part analysed")
    return Reason(ReasonCode.VIDEO_LIMIT, f"{limit}: a person must check the rest")


def timecode(seconds: float) -> str:
    whole = max(0, int(seconds))
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def _where(index: int, face: FaceResult) -> str:
    if face.start is None or face.end is None:
        return f"face {index + 1}"
    return f"track {index + 1}, {timecode(face.start)}-{timecode(face.end)}"


def verdict_for(reasons: list[Reason]) -> Verdict:
    codes = {r.code for r in reasons}
    if codes & BLOCKING:
        return Verdict.BLOCKED
    if codes & NEEDS_REVIEW:
        return Verdict.REVIEW
    return Verdict.ALLOWED


def _face_reason(
    index: int, face: FaceResult, consents: ConsentSnapshot, channel: Channel, group: str | None
) -> Reason:
    where = _where(index, face)
    if face.status is FaceStatus.TOO_SMALL:
        return Reason(
            ReasonCode.SMALL_FACE,
            f"{where}: too small to identify ({face.size_px} px)",
            face=index,
        )
    if face.status is FaceStatus.UNKNOWN or face.child is None:
        why = _not_identified(face.note, consents)
        return Reason(ReasonCode.UNKNOWN_FACE, f"{where}: unknown face{why}", face=index)
    if face.status is FaceStatus.AMBIGUOUS:
        if face.note is not None and face.note.why == "lookalike":
            text = (
                f"{where}: looks like {child_label(face.child, consents)} "
                f"({face.distance:.2f}), but that child has an enrolled look-alike"
            )
        else:
            text = (
                f"{where}: could be several children (nearest "
                f"{child_label(face.child, consents)}, distance {face.distance:.2f})"
            )
        return Reason(ReasonCode.AMBIGUOUS_FACE, text, face=index)
    child = consents.children.get(face.child)
    needed = required_channel(child, channel, group)
    label = child_label(face.child, consents)
    if face.status is FaceStatus.ASSIGNED:
        label += ", named by a person"
    if child is None:
        return Reason(
            ReasonCode.NO_CONSENT,
            f"{where}: {label} is not in the consent export",
            child=face.child,
            face=index,
        )
    via = " (other stamgroep: needs school)" if needed is not channel else ""
    if not child.allows(needed):
        return Reason(
            ReasonCode.NO_CONSENT,
            f"{where}: {label}: no consent for {needed}{via}",
            child=face.child,
            face=index,
        )
    return Reason(
        ReasonCode.CONSENT,
        f"{where}: {label}: consent for {needed}{via}",
        child=face.child,
        face=index,
    )


def _not_identified(note: MatchNote | None, consents: ConsentSnapshot) -> str:
    """': closest to Daan (0100231) (0.41), but outside the range of its references (0.33)'."""
    if note is None or note.nearest is None or note.distance is None:
        return ""
    closest = f": closest to {child_label(note.nearest, consents)} ({note.distance:.2f})"
    if note.why == "few_references":
        return f"{closest}, but that child has too few reference photos to be recognised"
    if note.why == "outside_range" and note.radius is not None and note.reach is not None:
        return (
            f"{closest}, but outside the range of that child's references "
            f"({note.reach:.2f} > {note.radius:.2f})"
        )
    if note.why == "beyond_tolerance":
        return f"{closest}, beyond the tolerance"
    return closest


# --- human review ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assignment:
    """A person said who face `face` (0-based) of a photo is."""

    face: int
    child: str
    by: str


@dataclass(frozen=True)
class Approval:
    """A person confirmed a photo in review may go out on `channel` although a face could not be
    identified. `consents` fixes the answers of the children identified in it at that moment:
    when any of them changes, the approval is void."""

    channel: Channel
    by: str
    note: str
    consents: tuple[tuple[str, bool], ...]
    id: int = 0
    void: bool = False  # once a consent it relied on changed, for good


def approval_holds(
    approval: Approval,
    analysis: PhotoAnalysis,
    consents: ConsentSnapshot,
    channel: Channel,
    group: str | None,
) -> bool:
    return not approval.void and approval.consents == consent_fingerprint(
        analysis, consents, channel, group
    )


def with_assignments(analysis: PhotoAnalysis, assignments: Sequence[Assignment]) -> PhotoAnalysis:
    """The analysis with faces a person identified marked as assigned to that child."""
    if not assignments:
        return analysis
    by_face = {a.face: a for a in assignments}
    faces = tuple(
        replace(f, status=FaceStatus.ASSIGNED, child=by_face[i].child, distance=None)
        if i in by_face
        else f
        for i, f in enumerate(analysis.faces)
    )
    return replace(analysis, faces=faces)


def consent_fingerprint(
    analysis: PhotoAnalysis, consents: ConsentSnapshot, channel: Channel, group: str | None
) -> tuple[tuple[str, bool], ...]:
    """The answers an approval depends on: each identified child's answer for the channel."""
    pairs = set()
    for face in analysis.faces:
        if face.child is not None and face.status in (FaceStatus.IDENTIFIED, FaceStatus.ASSIGNED):
            child = consents.children.get(face.child)
            needed = required_channel(child, channel, group)
            pairs.add((face.child, child is not None and child.allows(needed)))
    return tuple(sorted(pairs))


def apply_approval(
    decision: Decision,
    analysis: PhotoAnalysis,
    consents: ConsentSnapshot,
    channel: Channel,
    group: str | None,
    approval: Approval | None,
) -> Decision:
    """A valid approval turns `review` into `allowed`; it never overrides `blocked`."""
    if approval is None or decision.verdict is not Verdict.REVIEW:
        return decision
    if not approval_holds(approval, analysis, consents, channel, group):
        note = Reason(
            ReasonCode.APPROVAL_VOID,
            f"the approval by {approval.by} is void: a consent changed since",
        )
        return Decision(decision.verdict, (*decision.reasons, note))
    note_text = f" ({approval.note})" if approval.note else ""
    approved = Reason(ReasonCode.HUMAN_APPROVED, f"approved by {approval.by}{note_text}")
    return Decision(Verdict.ALLOWED, (*decision.reasons, approved))

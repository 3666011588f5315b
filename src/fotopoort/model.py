"""The frozen domain types: what a photo holds, what was decided and why. Pure.

No numpy, PIL or yaml here (tests/test_model.py holds that): `fotopoort.decide` and
`fotopoort.consents` build on this module only, so the decision can be imported, read and
tested without the image stack. A `Reason` holds a code and its parameters, never a text: text
is made at the edge, in the user's language, by `fotopoort.messages.reasons`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from fotopoort.channels import Channel

if TYPE_CHECKING:  # only for the type of Checked.photo: scan.py is I/O
    from fotopoort.scan import CheckedPhoto


class MediaKind(StrEnum):
    PHOTO = "photo"
    VIDEO = "video"


class Action(StrEnum):
    """What an audit entry records."""

    CHECK = "check"
    SORT = "sort"
    RECHECK = "recheck"
    REVIEW = "review"  # a person assigned a face or approved a photo
    IMPORT = "import"
    ENROLL = "enroll"
    FORGET = "forget"
    PURGE = "purge"
    TAKEN_DOWN = "taken-down"
    REVIEW_APPROVE_REDACTED = "review-approve-redacted"


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


# --- consents ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildConsent:
    child: str  # leerlingnummer, as text
    first_name: str
    group: str
    granted: frozenset[Channel]  # channels with an explicit Ja in every mapped column
    biometric: bool  # explicit Ja for face recognition
    # not granted, and no parent said no either: empty or `Niet ingevuld` (chase them)
    unanswered: frozenset[Channel] = frozenset()
    biometric_unanswered: bool = False

    def allows(self, channel: Channel) -> bool:
        return channel in self.granted


@dataclass(frozen=True)
class ConsentSnapshot:
    sha256: str
    source: str  # the export's file name
    export_date: date | None
    children: Mapping[str, ChildConsent]
    notes: tuple[str, ...] = field(default=())  # unrecognised values, conflicts, ...


# --- faces and decisions -------------------------------------------------------------------


class Verdict(StrEnum):
    ALLOWED = "allowed"
    REVIEW = "review"
    BLOCKED = "blocked"


class FaceStatus(StrEnum):
    IDENTIFIED = "identified"
    ASSIGNED = "assigned"  # a person said who it is (fotopoort review assign)
    # a person said it is no child of the school, or that nobody can be recognised by it
    # (review assign --not-a-child); never set by the machine
    NOT_A_CHILD = "not_a_child"
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
    NOT_A_CHILD = "not_a_child"  # a person said the face is not a child / not recognisable
    # a person named the face as one child, fotopoort recognises another; both have consent
    NAMED_OTHER = "named_other"


class Variant(StrEnum):
    """Which of a code's explanations applies (each has its own text)."""

    PLAIN = ""
    NOT_IN_EXPORT = "not_in_export"  # no_consent: the child is not in the consent export
    LOOKALIKE = "lookalike"  # ambiguous_face: the nearest child has an enrolled look-alike
    CLOSEST = "closest"  # unknown_face: nearest child and distance, no more known
    FEW_REFERENCES = "few_references"
    OUTSIDE_RANGE = "outside_range"
    BEYOND_TOLERANCE = "beyond_tolerance"
    METADATA = "metadata"  # unreadable: no copy without metadata could be made


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
    # A face a person named (ASSIGNED) that the machine identifies as another child: that
    # child's number. Both children's consent applies (decide.py), so a person's mistake
    # cannot publish a child the machine recognises.
    recognised: str | None = None


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
    """Why a photo got its verdict: a code and its parameters, never a text.

    `child` is the leerlingnummer of the child the reason is about (consent, no_consent); every
    other parameter that names a child (`nearest`) holds its number too, so a stored reason
    holds no name and `forget` can replace the number wherever it is."""

    code: ReasonCode
    child: str | None = None
    face: int | None = None  # index into the photo's faces
    variant: Variant = Variant.PLAIN
    channel: Channel | None = None  # the answer the child needs
    other_group: bool = False  # stamgroep with --group: a child of another group needs school
    assigned: bool = False  # a person named the face
    nearest: str | None = None  # the nearest enrolled child of a face not identified
    distance: float | None = None
    reach: float | None = None
    radius: float | None = None
    size_px: int | None = None
    start: float | None = None  # a video track's time range, seconds
    end: float | None = None
    by: str | None = None  # who approved
    note: str | None = None  # what they wrote
    detail: str | None = None  # a fact made elsewhere (a read error, a video limit), as is

    def params(self) -> dict[str, Any]:
        """The parameters that are set, JSON-ready (code and child apart)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name in ("code", "child"):
                continue
            value = getattr(self, f.name)
            if value is None or value is False or value == "":
                continue
            if isinstance(value, float):
                value = round(value, 4)
            elif isinstance(value, StrEnum):
                value = value.value
            out[f.name] = value
        return out

    @classmethod
    def from_params(cls, code: str, child: str | None, params: Mapping[str, Any]) -> Reason:
        """The reason `params()` described (an audit row, a report.json entry)."""
        known = {f.name for f in fields(cls)} - {"code", "child"}
        values = {k: v for k, v in params.items() if k in known}
        if "variant" in values:
            values["variant"] = Variant(values["variant"])
        if "channel" in values:
            values["channel"] = Channel(values["channel"])
        return cls(ReasonCode(code), child, **values)


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Checked:
    """One photo's decision for one channel."""

    photo: CheckedPhoto
    decision: Decision
    analysis: PhotoAnalysis  # the photo's analysis with what people said in review applied


# --- human review ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assignment:
    """A person said who face `face` (0-based) of a photo is: `child`, or None when they said
    it is not a child / not recognisable."""

    face: int
    child: str | None
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

"""Faces + identities + consents + channel -> a Decision with reasons. Pure.

The safety contract (GUIDE.md, section 2): `allowed` only when every face is identified with
confidence as an enrolled child whose answer for the channel is Ja. An identified child without
that answer blocks the photo; a face that is unknown, ambiguous or too small sends it to review;
a file that cannot be read whole is blocked.

Imports only `model` and `channels`. Reasons are codes with parameters (no text: that is
messages/reasons.py's job); `decide_reviewed` adds what people said in review and returns what
the caller must write (an approval to void) instead of writing it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from fotopoort.channels import Channel
from fotopoort.model import (
    Approval,
    Assignment,
    ChildConsent,
    ConsentSnapshot,
    Decision,
    FaceResult,
    FaceStatus,
    MatchNote,
    PhotoAnalysis,
    Reason,
    ReasonCode,
    Variant,
    Verdict,
)

BLOCKING = frozenset({ReasonCode.NO_CONSENT, ReasonCode.UNREADABLE})
NEEDS_REVIEW = frozenset(
    {ReasonCode.UNKNOWN_FACE, ReasonCode.AMBIGUOUS_FACE, ReasonCode.SMALL_FACE}
    | {ReasonCode.VIDEO_LIMIT, ReasonCode.NAMED_OTHER}
)


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


def decide(
    analysis: PhotoAnalysis,
    consents: ConsentSnapshot,
    channel: Channel,
    group: str | None = None,
) -> Decision:
    if analysis.error is not None:
        reason = Reason(ReasonCode.UNREADABLE, detail=analysis.error)
        return Decision(Verdict.BLOCKED, (reason,))
    if not analysis.faces and analysis.limit is None:
        return Decision(Verdict.ALLOWED, (Reason(ReasonCode.NO_FACES),))
    reasons = [_face_reason(i, f, consents, channel, group) for i, f in enumerate(analysis.faces)]
    if not reasons and analysis.limit is None:
        reasons.append(Reason(ReasonCode.NO_FACES))
    if analysis.limit is not None:
        code = ReasonCode.VIDEO_PARTIAL if analysis.limit_decides else ReasonCode.VIDEO_LIMIT
        reasons.append(Reason(code, detail=analysis.limit))
    return Decision(verdict_for(reasons), tuple(reasons))


def verdict_for(reasons: Sequence[Reason]) -> Verdict:
    codes = {r.code for r in reasons}
    if codes & BLOCKING:
        return Verdict.BLOCKED
    if codes & NEEDS_REVIEW:
        return Verdict.REVIEW
    return Verdict.ALLOWED


_NOT_IDENTIFIED = {
    "few_references": Variant.FEW_REFERENCES,
    "outside_range": Variant.OUTSIDE_RANGE,
    "beyond_tolerance": Variant.BEYOND_TOLERANCE,
}


def _face_reason(
    index: int, face: FaceResult, consents: ConsentSnapshot, channel: Channel, group: str | None
) -> Reason:
    tracked = face.start is not None and face.end is not None
    where = Reason(
        ReasonCode.NO_FACES,
        face=index,
        start=face.start if tracked else None,
        end=face.end if tracked else None,
    )
    if face.status is FaceStatus.NOT_A_CHILD:
        return replace(where, code=ReasonCode.NOT_A_CHILD)
    if face.status is FaceStatus.TOO_SMALL:
        return replace(where, code=ReasonCode.SMALL_FACE, size_px=face.size_px)
    if face.status is FaceStatus.UNKNOWN or face.child is None:
        return _not_identified(replace(where, code=ReasonCode.UNKNOWN_FACE), face.note)
    if face.status is FaceStatus.AMBIGUOUS:
        lookalike = face.note is not None and face.note.why == "lookalike"
        return replace(
            where,
            code=ReasonCode.AMBIGUOUS_FACE,
            variant=Variant.LOOKALIKE if lookalike else Variant.PLAIN,
            nearest=face.child,
            distance=face.distance,
        )
    named = replace(where, child=face.child, assigned=face.status is FaceStatus.ASSIGNED)
    said = _consent_reason(named, consents, channel, group)
    if face.recognised is None or face.recognised == face.child:
        return said
    # A person named one child, the machine recognises another: the face is published only
    # if it may be either of them, and even then a person looks again.
    machine = _consent_reason(
        replace(where, child=face.recognised, distance=face.distance), consents, channel, group
    )
    if machine.code is ReasonCode.NO_CONSENT:
        return machine
    if said.code is ReasonCode.NO_CONSENT:
        return said
    return replace(
        said, code=ReasonCode.NAMED_OTHER, nearest=face.recognised, distance=face.distance
    )


def _consent_reason(
    named: Reason, consents: ConsentSnapshot, channel: Channel, group: str | None
) -> Reason:
    """CONSENT or NO_CONSENT for the child `named` is about."""
    assert named.child is not None
    child = consents.children.get(named.child)
    if child is None:
        return replace(named, code=ReasonCode.NO_CONSENT, variant=Variant.NOT_IN_EXPORT)
    needed = required_channel(child, channel, group)
    code = ReasonCode.CONSENT if child.allows(needed) else ReasonCode.NO_CONSENT
    return replace(named, code=code, channel=needed, other_group=needed is not channel)


def _not_identified(reason: Reason, note: MatchNote | None) -> Reason:
    """The nearest child and why it is not that one, as far as the matcher said."""
    if note is None or note.nearest is None or note.distance is None:
        return reason
    variant = _NOT_IDENTIFIED.get(note.why, Variant.CLOSEST)
    closest = replace(reason, nearest=note.nearest, distance=note.distance)
    if variant is not Variant.OUTSIDE_RANGE:
        return replace(closest, variant=variant)
    if note.radius is None or note.reach is None:
        return replace(closest, variant=Variant.CLOSEST)
    return replace(closest, variant=variant, reach=note.reach, radius=note.radius)


# --- human review ------------------------------------------------------------------------------


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
    """The analysis with faces a person identified marked as assigned to that child, and those
    they said are not a child as such (no child, so no consent applies to them)."""
    if not assignments:
        return analysis
    by_face = {a.face: a for a in assignments}
    faces = tuple(
        _as_said(f, by_face[i].child) if i in by_face else f for i, f in enumerate(analysis.faces)
    )
    return replace(analysis, faces=faces)


def _as_said(face: FaceResult, child: str | None) -> FaceResult:
    if child is None:
        if face.status is FaceStatus.IDENTIFIED:
            # recognised since (a child enrolled later): the machine's evidence of a child
            # outweighs an earlier "nobody", whose consent then applies again
            return face
        return replace(face, status=FaceStatus.NOT_A_CHILD, child=None, distance=None, note=None)
    if face.status is FaceStatus.IDENTIFIED and face.child != child:
        # the machine recognises another child (enrolled later, or the person mistook it):
        # both stay on the face; decide() applies both answers
        return replace(face, status=FaceStatus.ASSIGNED, child=child, recognised=face.child)
    return replace(face, status=FaceStatus.ASSIGNED, child=child, distance=None)


def consent_fingerprint(
    analysis: PhotoAnalysis, consents: ConsentSnapshot, channel: Channel, group: str | None
) -> tuple[tuple[str, bool], ...]:
    """The answers an approval depends on: each identified child's answer for the channel
    (for a face a person named as another child than the machine recognises: both)."""
    pairs = set()
    for face in analysis.faces:
        if face.child is not None and face.status in (FaceStatus.IDENTIFIED, FaceStatus.ASSIGNED):
            for number in {face.child, face.recognised} - {None}:
                assert number is not None
                child = consents.children.get(number)
                needed = required_channel(child, channel, group)
                pairs.add((number, child is not None and child.allows(needed)))
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
        void = Reason(ReasonCode.APPROVAL_VOID, by=approval.by)
        return Decision(decision.verdict, (*decision.reasons, void))
    approved = Reason(ReasonCode.HUMAN_APPROVED, by=approval.by, note=approval.note or None)
    return Decision(Verdict.ALLOWED, (*decision.reasons, approved))


@dataclass(frozen=True)
class VoidApproval:
    """An effect: mark this approval void, for good (even if the consent comes back)."""

    approval_id: int


Effect = VoidApproval


@dataclass(frozen=True)
class Reviewed:
    """A photo decided with what people said about it, and what the caller must write."""

    analysis: PhotoAnalysis  # with the faces people named marked as assigned
    decision: Decision
    effects: tuple[Effect, ...] = ()


def decide_reviewed(
    analysis: PhotoAnalysis,
    consents: ConsentSnapshot,
    channel: Channel,
    group: str | None,
    assignments: Sequence[Assignment] = (),
    approval: Approval | None = None,
) -> Reviewed:
    """Decide a photo with its assignments and its latest approval for (channel, group), loaded
    once by the caller. An approval that no longer holds is returned as an effect to store, so
    it stays void even when the consent it relied on comes back."""
    if analysis.error is None:
        analysis = with_assignments(analysis, assignments)
    decision = decide(analysis, consents, channel, group)
    effects: tuple[Effect, ...] = ()
    if (
        approval is not None
        and not approval.void
        and not approval_holds(approval, analysis, consents, channel, group)
    ):
        effects = (VoidApproval(approval.id),)
    decision = apply_approval(decision, analysis, consents, channel, group, approval)
    return Reviewed(analysis, decision, effects)

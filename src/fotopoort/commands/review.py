"""`review list/assign/approve/redact`: what a person says about a photo, from the CLI or the
review page."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from fotopoort.channels import Channel
from fotopoort.commands.audit import _with_messages
from fotopoort.commands.deciding import _decide, _record
from fotopoort.commands.recheck import _from_cache
from fotopoort.config import Policy
from fotopoort.decide import consent_fingerprint
from fotopoort.errors import UsageError
from fotopoort.media.video import is_video
from fotopoort.messages import errors as E
from fotopoort.messages import render as say
from fotopoort.messages import web as texts
from fotopoort.messages.reasons import reason_text
from fotopoort.model import (
    Action,
    Approval,
    Checked,
    FaceStatus,
    PhotoAnalysis,
    ReasonCode,
    Verdict,
)
from fotopoort.publish import redaction
from fotopoort.publish.copies import TMP_DIR
from fotopoort.publish.derived import REDACTED, Changed, MadeCopy
from fotopoort.publish.sanitize import MetadataError
from fotopoort.scan import (
    readable,
    sha256_file,
)
from fotopoort.store import (
    CopyRecord,
    DerivedCopy,
    PreviousDecision,
    Store,
)


def review_list(store: Store, channel: Channel | None) -> list[tuple[PreviousDecision, Any]]:
    """Photos whose latest decision is review, with that decision's audit entry."""
    out = []
    for prev in store.previous_decisions(channel.value if channel else None):
        if prev.decision == Verdict.REVIEW.value:
            entries = _with_messages(store, store.audit_entries(path=prev.path))
            latest = [e for e in entries if e["channel"] == prev.channel]
            out.append((prev, latest[-1] if latest else None))
    return out


def _decided(store: Store, photo: Path) -> tuple[str, list[PreviousDecision]]:
    """The photo's sha256 and its decisions. Hashed in chunks: a video may be gigabytes."""
    digest = hashlib.sha256()
    try:
        with photo.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
        sha = digest.hexdigest()
    except OSError as exc:
        raise UsageError(say(E.PHOTO_UNREADABLE, photo=photo, why=exc.strerror)) from None
    rows = [p for p in store.previous_decisions() if p.sha256 == sha]
    if not rows:
        raise UsageError(say(E.NOT_CHECKED_YET, photo=photo))
    return sha, rows


def _redecide(
    policy: Policy, store: Store, rows: Sequence[PreviousDecision], actor: str, note: str
) -> list[Checked]:
    snapshot = store.require_snapshot()
    out, records = [], []
    for prev in rows:
        photo = _from_cache(store, prev)
        ch = Channel(prev.channel)
        analysis, decision = _decide(store, photo, snapshot.snapshot, ch, prev.group)
        item = Checked(photo, decision, analysis)
        out.append(item)
        records.append((ch, prev.group, item))
    _record(store, policy, snapshot, records, Action.REVIEW, actor=actor, note=note or None)
    return out


def review_assign(
    policy: Policy,
    store: Store,
    photo: Path,
    face: int,
    child: str | None,
    by: str,
    note: str,
    *,
    track: bool = False,
) -> list[Checked]:
    """A person says who face `face` (1-based, as in the reasons) is: `child`, or (None) that it
    is not a child / not recognisable, so that no consent applies to it. Bound to the photo's
    content like every review: a photo whose bytes change is asked about again. A video's
    faces are its tracks; `track` says the person named a track (`--track`): refused for a
    photo, so a number meant for a video's track never names a photo's face."""
    sha, rows = _decided(store, photo)
    snapshot = store.require_snapshot().snapshot
    if child is not None and child not in snapshot.children:
        raise UsageError(E.NO_SUCH_CHILD, child=child)
    cached = _from_cache(store, rows[0]).analysis
    if track and not _is_video(photo, cached):
        raise UsageError(E.TRACK_ON_PHOTO, photo=photo)
    if not 1 <= face <= len(cached.faces):
        out_of_range = E.TRACK_OUT_OF_RANGE if track else E.FACE_OUT_OF_RANGE
        raise UsageError(out_of_range, photo=photo, n=len(cached.faces))
    if cached.faces[face - 1].status is FaceStatus.IDENTIFIED:
        # the machine recognised an enrolled child here: a person's word cannot make that
        # face someone else, or nobody (that would let a child without consent out)
        raise UsageError(E.FACE_IDENTIFIED, photo=photo, face=face)
    store.add_assignment(sha, face - 1, child, by, note)
    return _redecide(policy, store, rows, by, note)


def _is_video(path: Path, analysis: PhotoAnalysis) -> bool:
    """A video: its faces are tracks, or (no track) its content or name says so."""
    if any(f.start is not None for f in analysis.faces):
        return True
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError:
        return False
    return is_video(head, path.suffix)


def review_approve(
    policy: Policy,
    store: Store,
    photo: Path,
    channel: Channel,
    group: str | None,
    by: str,
    note: str,
) -> list[Checked]:
    """A person confirms a photo in review may go out on `channel`."""
    sha, rows = _decided(store, photo)
    rows = [r for r in rows if r.channel == channel.value and r.group == group]
    if not rows:
        raise UsageError(E.NOT_CHECKED_FOR, photo=photo, channel=channel)
    snapshot = store.require_snapshot().snapshot
    photo_now = _from_cache(store, rows[0])
    analysis, decision = _decide(store, photo_now, snapshot, channel, group)
    if decision.verdict is Verdict.BLOCKED:
        why = "; ".join(
            reason_text(r, snapshot) for r in decision.reasons if r.code is not ReasonCode.CONSENT
        )
        raise UsageError(E.BLOCKED_CANNOT_ALLOW, photo=photo, channel=channel, why=why)
    if decision.verdict is Verdict.ALLOWED:
        raise UsageError(E.ALREADY_ALLOWED, photo=photo, channel=channel)
    fingerprint = consent_fingerprint(analysis, snapshot, channel, group)
    store.add_approval(sha, Approval(channel, by, note, fingerprint), group)
    return _redecide(policy, store, rows, by, note)


def review_redact(
    policy: Policy, store: Store, photo: Path, channel: Channel, group: str | None, folder: Path
) -> tuple[MadeCopy, DerivedCopy]:
    """The redacted copy of a photo as `sort --redact` makes it for `channel` (the same core,
    redaction.redact_one), at review_copy_path in `folder`, recorded like sort's: a person
    looks at it, and may approve it with `approve_redacted`."""
    sha, rows = _decided(store, photo)
    rows = [r for r in rows if r.channel == channel.value and r.group == group]
    if not rows:
        raise UsageError(E.NOT_CHECKED_FOR, photo=photo, channel=channel)
    snapshot = store.require_snapshot().snapshot
    cached = _from_cache(store, rows[0])
    checked = replace(cached, photo=replace(cached.photo, path=photo))  # the bytes hashed above
    analysis, decision = _decide(store, checked, snapshot, channel, group)
    dst = review_copy_path(folder, channel.value, sha, rows[0].rel)
    try:
        made = redaction.redact_one(
            Checked(checked, decision, analysis),
            dst,
            max_pixels=policy.max_pixels,
            tmp_dir=folder / TMP_DIR,
        )
    except Changed:
        raise UsageError(E.CHANGED_SINCE_CHECK, photo=photo) from None
    except MetadataError as exc:
        raise UsageError(say(texts.REDACT_FAILED, photo=photo, why=exc)) from None
    if made is None:
        raise UsageError(say(texts.NOT_REDACTABLE, photo=photo, channel=channel))
    store.record_derived_copies(
        channel.value,
        REDACTED,
        [CopyRecord(readable(made.rel), sha, made.copy_sha256, made.faces)],
    )
    copy = store.derived_copy(channel.value, REDACTED, made.copy_sha256)
    assert copy is not None  # recorded just now
    return made, copy


def review_copy_path(folder: Path, channel: str, original: str, rel: str) -> Path:
    """Where a redacted copy made in review is kept: named by its photo's sha256, never by
    anything a request says."""
    return folder / channel / f"{original}{Path(rel).suffix.lower()}"


def redacted_copy(store: Store, path: Path, channel: Channel) -> DerivedCopy | None:
    """The redacted copy `path` is (sort --redact made it for `channel`), or None."""
    if not path.is_file():
        return None
    sha = sha256_file(path)
    return store.derived_copy(channel.value, REDACTED, sha) if sha else None


def approve_redacted(
    store: Store, path: Path, copy: DerivedCopy, channel: Channel, by: str, note: str
) -> DerivedCopy:
    """A person confirms the redacted copy at `path` may go out on `channel`: only the copy
    the last sort made from its photo under the current consent export, of a photo that is
    still not allowed itself."""
    current = store.require_snapshot().id
    if not copy.latest:
        raise UsageError(E.OLDER_REDACTED_COPY, path=path)
    if copy.snapshot_id != current:
        raise UsageError(E.COPY_UNDER_OLDER_EXPORT, path=path)
    decided = store.decided_contents(channel.value).get(copy.original_sha256, set())
    if (Verdict.ALLOWED.value, current) in decided:
        raise UsageError(E.PHOTO_ALLOWED_AS_IT_IS, path=path, channel=channel)
    store.approve_copy(channel.value, copy, by, note)
    return copy

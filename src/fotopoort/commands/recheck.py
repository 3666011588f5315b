"""`recheck`: what must come down after a consent change, and `recheck --done`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fotopoort.channels import Channel
from fotopoort.commands.deciding import _decide, _record
from fotopoort.config import Policy
from fotopoort.errors import UsageError
from fotopoort.messages import errors as E
from fotopoort.messages import problems as P
from fotopoort.messages import publish as publish_texts
from fotopoort.messages import render as render_text
from fotopoort.messages import render as say
from fotopoort.model import (
    Action,
    Checked,
    PhotoAnalysis,
    Verdict,
)
from fotopoort.pool import Progress
from fotopoort.publish import redaction
from fotopoort.scan import (
    CheckedPhoto,
    EngineFactory,
    PhotoFile,
    ScanSettings,
    analysis_from_json,
    scan,
    sha256_file,
)
from fotopoort.store import (
    CopyApproval,
    PlacedCopy,
    PreviousDecision,
    Store,
    StoredSnapshot,
)


@dataclass(frozen=True)
class Rechecked:
    previous: PreviousDecision
    item: Checked


@dataclass(frozen=True)
class CopyDown:
    """An approved redacted copy a sort placed in allowed/ that may no longer go out."""

    approval: CopyApproval
    why: str


@dataclass(frozen=True)
class RecheckRun:
    snapshot: StoredSnapshot
    items: list[Rechecked]
    copies: list[CopyDown] = field(default_factory=list)  # on the take-down list
    changed_copies: list[PlacedCopy] = field(default_factory=list)  # bytes not as decided

    def take_down(self) -> list[Rechecked]:
        """Photos that were allowed and no longer are."""
        return [
            r
            for r in self.items
            if r.previous.basis == Verdict.ALLOWED.value
            and r.item.decision.verdict is not Verdict.ALLOWED
        ]

    def newly_allowed(self) -> list[Rechecked]:
        return [
            r
            for r in self.items
            if r.previous.basis != Verdict.ALLOWED.value
            and r.item.decision.verdict is Verdict.ALLOWED
        ]


def recheck(
    policy: Policy,
    store: Store,
    engine_factory: EngineFactory,
    channel: Channel | None = None,
    *,
    jobs: int = 1,
    progress: Progress | None = None,
) -> RecheckRun:
    """Decide every previously decided photo again against the current snapshot. Photos whose
    identities are cached are not decoded; a photo whose analysis is gone is decoded again if
    it is still there, and otherwise cannot be allowed."""
    snapshot = store.require_snapshot()
    previous = store.previous_decisions(channel.value if channel else None)
    settings = ScanSettings(policy.detection, policy.thresholds, policy.max_pixels, policy.video)
    latest = {p.path: p for p in previous}
    still_there = [
        PhotoFile(Path(path), p.rel) for path, p in latest.items() if Path(path).is_file()
    ]
    scanned = {
        str(c.photo.path): c
        for c in scan(still_there, store, engine_factory, settings, jobs=jobs, progress=progress)
    }
    items, records = [], []
    for prev in previous:
        # the photo as it is now (a changed file is judged on its new content); a photo that
        # is gone is judged on the analysis of the content that was decided
        photo = scanned.get(prev.path) or _from_cache(store, prev)
        ch = Channel(prev.channel)
        analysis, decision = _decide(store, photo, snapshot.snapshot, ch, prev.group)
        item = Checked(photo, decision, analysis)
        items.append(Rechecked(prev, item))
        records.append((ch, prev.group, item))
    _record(store, policy, snapshot, records, Action.RECHECK)
    for approval in store.placed_copy_approvals(channel.value if channel else None):
        if _copy_no_longer_holds(store, snapshot, approval) is None:
            store.copy_holds(approval.id)  # verify trusts it under this snapshot
        else:
            store.void_copy_approval(approval.id)
    return RecheckRun(
        snapshot,
        items,
        _copies_down(store, snapshot, channel),
        _changed_copies(store, snapshot, channel),
    )


def _changed_copies(
    store: Store, snapshot: StoredSnapshot, channel: Channel | None
) -> list[PlacedCopy]:
    """Copies in allowed/ (stripped, linked, approved redacted) whose bytes are neither those
    recorded when they were placed nor content decided allowed now: edited in OUT, or a hard
    link whose original was edited. The upload must not take them (verify refuses them too)."""
    changed = []
    allowed: dict[str, set[str]] = {}
    for placed in store.placed_copies():
        if channel is not None and placed.channel != channel.value:
            continue
        path = Path(placed.path)
        if not path.exists() and not path.is_symlink():
            continue  # taken out by a sort, or by a person
        if placed.channel not in allowed:
            allowed[placed.channel] = {
                sha
                for sha, seen in store.decided_contents(placed.channel).items()
                if (Verdict.ALLOWED.value, snapshot.id) in seen
            }
        sha = None if path.is_symlink() else sha256_file(path)
        if sha != placed.sha256 and sha not in allowed[placed.channel]:
            changed.append(placed)
    return changed


def _copies_down(store: Store, snapshot: StoredSnapshot, channel: Channel | None) -> list[CopyDown]:
    return [
        CopyDown(
            a,
            _copy_no_longer_holds(store, snapshot, a) or render_text(publish_texts.APPROVAL_VOID),
        )
        for a in store.copies_to_take_down()
        if channel is None or a.channel == channel.value
    ]


def _copy_no_longer_holds(
    store: Store, snapshot: StoredSnapshot, approval: CopyApproval
) -> str | None:
    """Why an approved redacted copy may no longer go out, judged on the analysis of the
    content it was made from (not the file as it is now: the copy is of those bytes); None
    while every face it leaves visible has consent. A copy whose analysis is gone cannot be
    shown to be allowed."""
    cached = (
        store.cached_analysis(approval.original_sha256, approval.settings)
        if approval.settings
        else None
    )
    if cached is None:
        return render_text(publish_texts.NO_ANALYSIS)
    photo = CheckedPhoto(
        PhotoFile(Path(approval.path or ""), approval.rel or ""),
        approval.original_sha256,
        analysis_from_json(cached),
        approval.settings or "",
    )
    ch = Channel(approval.channel)
    analysis, decision = _decide(store, photo, snapshot.snapshot, ch, None)
    visible = redaction.visible_without_consent(Checked(photo, decision, analysis), approval.faces)
    if not visible:
        return None
    faces = ", ".join(str(f) for f in visible)
    return render_text(publish_texts.VISIBLE_WITHOUT_CONSENT, faces=faces, channel=ch.value)


def taken_down(
    store: Store, photos: Sequence[Path], all_gone: bool, by: str
) -> tuple[list[PreviousDecision], list[CopyApproval]]:
    """Record that photos on the take-down list were taken down (and the approved redacted
    copies of them that are on it): `photos` by name, and with `all_gone` every one whose
    original no longer exists (the person confirms its copies are down too). A photo not on
    the list is a usage error, and then nothing is recorded."""
    listed = store.to_take_down()
    copies = store.copies_to_take_down()
    chosen: list[PreviousDecision] = []
    chosen_copies: list[CopyApproval] = []
    for photo in photos:
        keys = {str(photo.absolute()), str(photo.resolve())}
        rows = [p for p in listed if p.path in keys]
        copy_rows = [a for a in copies if a.path in keys]
        if not rows and not copy_rows:
            raise UsageError(say(E.NOT_ON_TAKE_DOWN_LIST, photo=photo))
        chosen += rows
        chosen_copies += copy_rows
    if all_gone:
        chosen += [p for p in listed if not Path(p.path).exists() and p not in chosen]
        chosen_copies += [
            a for a in copies if not (a.path and Path(a.path).exists()) and a not in chosen_copies
        ]
    store.mark_taken_down(chosen, by)
    store.mark_copies_down(chosen_copies, by)
    return chosen, chosen_copies


def _from_cache(store: Store, prev: PreviousDecision) -> CheckedPhoto:
    photo = PhotoFile(Path(prev.path), prev.rel)
    cached = store.cached_analysis(prev.sha256, prev.settings)
    if cached is None:
        gone = PhotoAnalysis((), P.ANALYSIS_GONE.en)
        return CheckedPhoto(photo, prev.sha256, gone, prev.settings)
    return CheckedPhoto(photo, prev.sha256, analysis_from_json(cached), prev.settings)

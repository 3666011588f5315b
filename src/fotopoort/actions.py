"""One typed function per command: what the CLI calls after parsing, before rendering."""

from __future__ import annotations

import calendar
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from fotopoort import faults, guard
from fotopoort.channels import Channel
from fotopoort.config import Policy
from fotopoort.consents import ConsentChange, diff_snapshots, read_export
from fotopoort.decide import consent_fingerprint, decide_reviewed
from fotopoort.enrol import EnrolReport, Progress, enrol_folder
from fotopoort.errors import ConfirmationNeeded, UsageError
from fotopoort.messages import errors as E
from fotopoort.messages import publish as publish_texts
from fotopoort.messages import render as render_text
from fotopoort.messages import render as say
from fotopoort.messages import web as texts
from fotopoort.messages.reasons import reason_text, stored_reason_text
from fotopoort.model import (
    Action,
    Approval,
    Checked,
    ConsentSnapshot,
    Decision,
    FaceStatus,
    PhotoAnalysis,
    ReasonCode,
    Verdict,
)
from fotopoort.publish import redaction
from fotopoort.publish.copies import LINKED, TMP_DIR, clear_temp, place_copies, take_down
from fotopoort.publish.derived import REDACTED, STRIPPED, Changed, MadeCopy, Stripping
from fotopoort.publish.sanitize import MetadataError
from fotopoort.reports.build import build_report
from fotopoort.reports.html import render, write_html
from fotopoort.reports.json import (
    check_document,
    check_out_dir,
    photo_faces,
    stored_reason,
    write_json,
)
from fotopoort.reports.thumbnails import THUMBNAIL_SIDE
from fotopoort.scan import (
    CheckedPhoto,
    EngineFactory,
    PhotoFile,
    ScanSettings,
    analysis_from_json,
    find_photos,
    readable,
    scan,
    sha256_file,
)
from fotopoort.store import (
    CopyApproval,
    CopyRecord,
    DecisionRecord,
    DerivedCopy,
    ImportOutcome,
    PlacedCopy,
    PreviousDecision,
    PurgeOutcome,
    Store,
    StoredSnapshot,
)

# --- consents -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    snapshot: ConsentSnapshot  # as read, with its notes
    outcome: ImportOutcome
    changes: tuple[ConsentChange, ...]  # against the snapshot that was current before


def import_consents(
    policy: Policy,
    store: Store,
    export: Path,
    *,
    older_ok: bool = False,
    yes: bool = False,
    by: str = "fotopoort",
) -> ImportResult:
    """Import `export` as the current snapshot. Refused, with nothing changed, when it is older
    than the current snapshot (unless `older_ok`) or changes many children at once (unless
    `yes`): both are more often the wrong file than a real change."""
    snap = read_export(export, policy)
    before = store.current_snapshot()
    if before is not None and not store.is_current(snap):
        earlier = [guard.Earlier(*row) for row in store.snapshots()]
        older = guard.older_than_current(snap, before.snapshot, before.id, earlier)
        if older and not older_ok:
            raise ConfirmationNeeded(
                f"{export.name}: not imported: {older}; an older export would bring back "
                "consent withdrawn since. Import the newest export, or pass --older-ok if this "
                "one really is the school's current register"
            )
        planned = diff_snapshots(before.snapshot, snap, tuple(policy.channels))
        problems = guard.mass_changes(planned, before.snapshot, store.enrolled_children())
        if problems and not yes:
            raise ConfirmationNeeded(
                f"{export.name}: not imported: {'; and '.join(problems)}. Check that this is "
                "the right export, then run again with --yes"
            )
    outcome = store.import_snapshot(snap, tuple(policy.channels))
    changes: tuple[ConsentChange, ...] = ()
    if before is not None and not outcome.already_current:
        changes = tuple(diff_snapshots(before.snapshot, snap, tuple(policy.channels)))
    if not outcome.already_current:
        store.record_event(
            Action.IMPORT,
            by,
            f"snapshot {outcome.stored.id} from {snap.source}: {len(snap.children)} children, "
            f"{len(changes)} changes, face encodings of {len(outcome.forgotten)} children deleted"
            + (" (older export, --older-ok)" if older_ok and before is not None else ""),
            path=str(export.absolute()),
            snapshot_sha256=snap.sha256,
        )
    return ImportResult(snap, outcome, changes)


def consents_diff(
    policy: Policy, store: Store, old: int | None, new: int | None
) -> tuple[StoredSnapshot, StoredSnapshot, list[ConsentChange]]:
    ids = [row[0] for row in store.snapshots()]
    if old is None and new is None:
        if len(ids) < 2:
            raise UsageError(say(E.DIFF_TOO_FEW))
        old, new = ids[-2], ids[-1]
    elif old is None or new is None:
        raise UsageError(say(E.DIFF_BOTH_OR_NEITHER))
    for sid in (old, new):
        if sid not in ids:
            known = ", ".join(str(i) for i in ids) or say(E.NONE)
            raise UsageError(say(E.DIFF_NO_SNAPSHOT, id=sid, known=known))
    a, b = store.snapshot(old), store.snapshot(new)
    return a, b, diff_snapshots(a.snapshot, b.snapshot, tuple(policy.channels))


# --- enrolment ---------------------------------------------------------------------------


def enroll(
    policy: Policy,
    store: Store,
    refdir: Path,
    engine_factory: EngineFactory,
    *,
    jobs: int = 1,
    progress: Progress | None = None,
    children: Sequence[str] = (),
    by: str = "fotopoort",
) -> EnrolReport:
    """Enrol the child folders of `refdir`, or only `children`. A child `forget` was run for
    is enrolled again only when named in `children` and a snapshot imported after the forget
    (and, when dated, dated on or after its day) gives face-recognition consent."""
    if policy.biometric_column is None:
        raise UsageError(say(E.NO_BIOMETRIC_COLUMN, path=policy.path))
    current = store.require_snapshot()

    def held(child: str) -> str | None:
        mark = store.forgotten(child)
        if mark is None:
            return None
        day = mark.forgotten_at[:10]
        if child not in children:
            return (
                f"forgotten on {day}: not enrolled again by a folder run; once a newer export "
                "gives face-recognition consent again, a person enrols the child with "
                f"`fotopoort enroll {refdir} --child {child}`"
            )
        export_date = current.snapshot.export_date
        if current.id <= mark.snapshot_id or (
            export_date is not None and export_date.isoformat() < day
        ):
            return (
                f"forgotten on {day}: import a consent export made after that day that gives "
                "face-recognition consent again first"
            )
        return None

    report = enrol_folder(
        refdir,
        current.snapshot,
        store,
        engine_factory,
        policy.detection,
        policy.max_pixels,
        jobs=jobs,
        progress=progress,
        only=children,
        held=held,
    )
    lifted = 0
    for outcome in report.children:
        if outcome.child in children and outcome.enrolled and store.forgotten(outcome.child):
            store.lift_forgotten(outcome.child)
            lifted += 1
    added = sum(o.enrolled for o in report.children)
    if added:
        store.record_event(
            Action.ENROLL,
            by,
            f"{added} reference photos of "
            f"{sum(1 for o in report.children if o.enrolled)} children enrolled"
            + (f", {lifted} of them forgotten before" if lifted else ""),
            path=str(refdir.absolute()),
            snapshot_sha256=current.snapshot.sha256,
        )
    return report


@dataclass(frozen=True)
class ForgetResult:
    deleted: int  # reference encodings
    photos_left: tuple[str, ...]  # reference photos still on disk: the school's to delete
    photos_unknown: tuple[str, ...]  # names of reference photos enrolled before paths were kept


def forget(store: Store, child: str, by: str = "fotopoort") -> ForgetResult:
    files = store.reference_files(child)
    left = tuple(path for _, path in files if path is not None and Path(path).is_file())
    unknown = tuple(name for name, path in files if path is None)
    deleted = store.forget(child)
    # the audit says that a child was forgotten, never which one
    store.record_event(
        Action.FORGET, by, f"a child forgotten: {deleted} reference encodings deleted"
    )
    return ForgetResult(deleted, left, unknown)


def purge(policy: Policy, store: Store, *, dry_run: bool, by: str = "fotopoort") -> PurgeOutcome:
    """Apply `retention` in consents.yaml (see Store.purge), measured back from today."""
    now = datetime.fromisoformat(store.now())
    keep = policy.retention
    snapshots_before = months_before(now, keep.snapshots_months).isoformat(timespec="seconds")
    audit_before = months_before(now, 12 * keep.audit_years).isoformat(timespec="seconds")
    return store.purge(snapshots_before, audit_before, actor=by, dry_run=dry_run)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the month's last day when that
    month is shorter: 31 March minus one month is 28 or 29 February)."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return moment.replace(year=year, month=month + 1, day=min(moment.day, last))


# --- deciding, with what people said in review -------------------------------------------


def _decide(
    store: Store,
    photo: CheckedPhoto,
    snapshot: ConsentSnapshot,
    channel: Channel,
    group: str | None,
) -> tuple[PhotoAnalysis, Decision]:
    """Load what people said about the photo once, decide, and write the effects."""
    assignments, approval = [], None
    if photo.sha256 is not None:
        assignments = store.assignments(photo.sha256)
        approval = store.approval(photo.sha256, channel, group)
    reviewed = decide_reviewed(photo.analysis, snapshot, channel, group, assignments, approval)
    for effect in reviewed.effects:
        store.void_approval(effect.approval_id)
    return reviewed.analysis, reviewed.decision


def _record(
    store: Store,
    policy: Policy,
    snapshot: StoredSnapshot,
    items: Sequence[tuple[Channel, str | None, Checked]],
    action: Action,
    actor: str = "fotopoort",
    note: str | None = None,
    *,
    provisional: bool = False,
) -> None:
    t = policy.thresholds
    store.record_decisions(
        [
            DecisionRecord(
                path=_stored_path(item.photo.photo),
                rel=item.photo.photo.shown,
                channel=ch.value,
                group=group,
                sha256=item.photo.sha256,
                settings=item.photo.settings,
                decision=item.decision.verdict.value,
                reasons=[stored_reason(r) for r in item.decision.reasons],
                faces=photo_faces(item.analysis),
                snapshot_id=snapshot.id,
                snapshot_sha256=snapshot.snapshot.sha256,
                thresholds=t.as_dict(),
                action=action,
                actor=actor,
                note=note,
                # recheck and review find a photo by its stored path: they keep the shown one
                shown=None if action in ("recheck", "review") else _shown_path(item.photo.photo),
            )
            for ch, group, item in items
            if item.photo.sha256 is not None
        ],
        provisional=provisional,
    )


def _stored_path(photo: PhotoFile) -> str:
    return readable(str(photo.path.resolve()))


def _shown_path(photo: PhotoFile) -> str:
    """The path as the person gave it, made absolute but not resolved through links (a NAS
    share mounted through a link stays the path they know); the resolved one is its identity."""
    return readable(str(photo.path.absolute()))


# --- check and sort ----------------------------------------------------------------------


@dataclass(frozen=True)
class CheckRun:
    snapshot: StoredSnapshot
    results: dict[Channel, list[Checked]]
    stale_copies_removed: int = 0  # sort: copies of photos no longer in the folder
    redacted: dict[Channel, int] = field(default_factory=dict)  # sort --redact: copies made
    approved_copies: dict[Channel, int] = field(default_factory=dict)  # placed in allowed/

    def any_not_allowed(self) -> bool:
        return any(
            item.decision.verdict is not Verdict.ALLOWED
            for items in self.results.values()
            for item in items
        )


def _require_group(snapshot: StoredSnapshot, group: str | None) -> None:
    if group is None:
        return
    groups = {c.group for c in snapshot.snapshot.children.values()}
    if group.casefold() not in {g.casefold() for g in groups}:
        raise UsageError(say(E.UNKNOWN_GROUP, group=group, groups=", ".join(sorted(groups))))


def check(
    policy: Policy,
    store: Store,
    paths: Sequence[Path],
    channels: Sequence[Channel],
    engine_factory: EngineFactory,
    *,
    group: str | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
    action: Action = Action.CHECK,
    provisional: bool = False,
    thumbnails: bool = False,
) -> CheckRun:
    snapshot = store.require_snapshot()
    _require_group(snapshot, group)
    photos = find_photos(paths)
    settings = ScanSettings(
        policy.detection,
        policy.thresholds,
        policy.max_pixels,
        policy.video,
        thumbnail_side=THUMBNAIL_SIDE if thumbnails else 0,
    )
    checked = scan(photos, store, engine_factory, settings, jobs=jobs, progress=progress)
    results: dict[Channel, list[Checked]] = {}
    records = []
    for ch in channels:
        results[ch] = []
        for photo in checked:
            analysis, decision = _decide(store, photo, snapshot.snapshot, ch, group)
            item = Checked(photo, decision, analysis)
            results[ch].append(item)
            records.append((ch, group, item))
    faults.checkpoint("decided")
    _record(store, policy, snapshot, records, action, provisional=provisional)
    faults.checkpoint("recorded")
    return CheckRun(snapshot, results)


def sort(
    policy: Policy,
    store: Store,
    source: Path,
    out: Path,
    channels: Sequence[Channel],
    engine_factory: EngineFactory,
    *,
    group: str | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
    redact: bool = False,
    link: bool = False,
) -> CheckRun:
    """`link`: copies that need no change are hard links to the originals where OUT is on
    their file system (editing an original then edits its published copy: verify finds it)."""
    if not source.is_dir():
        raise UsageError(say(E.NOT_A_FOLDER, path=source))
    check_out_dir(out, [source])
    _same_source(out, source)
    # The decisions are recorded first, but provisionally: a photo allowed before keeps
    # "allowed" as its basis (the take-down list still names it) until its copy is gone, and
    # a photo allowed now gets that basis before its copy exists. An interrupted sort can thus
    # leave recheck naming too much, never too little.
    run = check(
        policy,
        store,
        [source],
        channels,
        engine_factory,
        group=group,
        jobs=jobs,
        progress=progress,
        action=Action.SORT,
        provisional=True,
        thumbnails=True,
    )
    clear_temp(out)
    earlier = _earlier_report(out)
    if earlier:  # an interrupted sort must not leave a report that calls gone copies allowed
        write_json(
            out / "report.json", _report(out, policy, run.snapshot, {}, earlier, run, source)
        )
    stale = 0
    results: dict[Channel, list[Checked]] = {}
    for channel, items in run.results.items():  # every channel's take-down before any copy
        stale += take_down(out, channel, items)
        redaction.clear(out, channel)  # made anew below, or not at all
        faults.checkpoint("taken-down", channel.value)
    stripped: dict[Channel, Stripping] = {}
    for channel, items in run.results.items():
        if channel in policy.strip_metadata:
            known = store.derived_copies(channel.value, STRIPPED)
            stripped[channel] = Stripping(policy.max_pixels, known)
        linked: list[tuple[str, str, Path]] | None = [] if link else None
        results[channel] = place_copies(out, channel, items, stripped.get(channel), linked=linked)
        if linked:  # recheck looks at them: an edited original edits its published link
            store.record_derived_copies(
                channel.value,
                LINKED,
                [
                    CopyRecord(readable(rel), sha, sha, path=readable(str(dst.absolute())))
                    for rel, sha, dst in linked
                ],
            )
        faults.checkpoint("copied", channel.value)
    clear_temp(out)
    for channel, stripping in stripped.items():  # before the report: verify trusts these
        allowed = out / channel.value / Verdict.ALLOWED.value
        store.record_derived_copies(
            channel.value,
            STRIPPED,
            [
                CopyRecord(
                    readable(m.rel),
                    m.original_sha256,
                    m.copy_sha256,
                    path=readable(str((allowed / m.rel).absolute())),
                )
                for m in stripping.made
            ],
        )
    redacted: dict[Channel, tuple[list[MadeCopy], dict[str, str]]] = {}
    for channel, items in results.items() if redact else ():
        redacted[channel] = redaction.place_redacted(
            out, channel, items, max_pixels=policy.max_pixels, tmp_dir=out / TMP_DIR
        )
        store.record_derived_copies(
            channel.value,
            REDACTED,
            [
                CopyRecord(readable(m.rel), m.original_sha256, m.copy_sha256, m.faces)
                for m in redacted[channel][0]
            ],
        )
    approved = {
        channel: _place_approved(store, policy, out, channel, items)
        for channel, items in results.items()
    }
    clear_temp(out)
    changed = [
        (ch, group, after)
        for ch in results
        for before, after in zip(run.results[ch], results[ch], strict=True)
        if after is not before
    ]
    document = _report(out, policy, run.snapshot, results, earlier, run, source)
    write_json(out / "report.json", _with_copies(document, stripped, redacted, approved))
    shown = {
        (ch, m.rel): f"{ch.value}/{redaction.FOLDER}/{readable(m.rel)}"
        for ch, (made, _) in redacted.items()
        for m in made
    }
    write_report(policy, replace(run, results=results), out / REPORT_HTML, shown)
    faults.checkpoint("reported")
    _record(store, policy, run.snapshot, changed, Action.SORT)  # changed while it was checked
    store.settle_basis(
        [
            (_stored_path(item.photo.photo), ch.value, group)
            for ch, items in results.items()
            for item in items
            if item.photo.sha256 is not None
        ]
    )
    faults.checkpoint("settled")
    made = {ch: len(copies) for ch, (copies, _) in redacted.items()}
    placed = {ch: sum(why is None for _, why in rows) for ch, rows in approved.items()}
    return replace(
        run,
        results=results,
        stale_copies_removed=stale,
        redacted=made,
        approved_copies={ch: n for ch, n in placed.items() if n},
    )


# what became of an approved redacted copy in one sort: None when it is in allowed/
ApprovedCopies = list[tuple[CopyApproval, str | None]]


def _place_approved(
    store: Store, policy: Policy, out: Path, channel: Channel, items: Sequence[Checked]
) -> ApprovedCopies:
    """Each photo not allowed as it is whose redacted copy a person approved for `channel`:
    that copy in allowed/, while every face it leaves visible still has consent. One that no
    longer holds is void for good (and on the take-down list if a sort placed it before)."""
    done: ApprovedCopies = []
    for item in items:
        sha = item.photo.sha256
        if sha is None or item.decision.verdict is Verdict.ALLOWED:
            continue  # an allowed photo goes out as it is
        approval = store.copy_approval(channel.value, sha)
        if approval is None:
            continue
        if redaction.visible_without_consent(item, approval.faces):
            store.void_copy_approval(approval.id)
            continue
        if not redaction.approved_copy_holds(item, approval.faces):
            continue  # unreadable or changed now: not placed, still approved
        dst = out / channel.value / Verdict.ALLOWED.value / item.photo.photo.rel
        store.placing_copy(
            approval.id,
            _stored_path(item.photo.photo),
            item.photo.photo.shown,
            item.photo.settings,
            readable(str(dst.absolute())),
        )
        why = redaction.place_approved(
            out,
            channel,
            item,
            approval.faces,
            approval.copy_sha256,
            max_pixels=policy.max_pixels,
            tmp_dir=out / TMP_DIR,
        )
        done.append((replace(approval, rel=item.photo.photo.shown), why))
    return done


REPORT_HTML = "report.html"


def _with_copies(
    document: dict[str, Any],
    stripped: dict[Channel, Stripping],
    redacted: dict[Channel, tuple[list[MadeCopy], dict[str, str]]],
    approved: dict[Channel, ApprovedCopies],
) -> dict[str, Any]:
    """Each stripped or redacted copy's own sha256 next to the original's, in its photo's
    entry; and the approved redacted copy that is in allowed/ instead of the photo."""
    for doc in document["channels"]:
        channel = Channel(doc["channel"])
        placed = {a.rel: (a, why) for a, why in approved.get(channel, [])}
        for entry in doc["photos"]:
            if entry["path"] in placed:
                a, why = placed[entry["path"]]
                entry["allowed_copy"] = (
                    {
                        "kind": REDACTED,
                        "path": f"{channel.value}/{Verdict.ALLOWED.value}/{entry['path']}",
                        "sha256": a.copy_sha256,
                        "original_sha256": a.original_sha256,
                        "faces": list(a.faces),
                        "approved_by": a.by,
                    }
                    if why is None
                    else {"kind": REDACTED, "error": why}
                )
        made_redacted, failed = redacted.get(channel, ([], {}))
        masked = {readable(m.rel): m for m in made_redacted}
        not_masked = {readable(rel): why for rel, why in failed.items()}
        for entry in doc["photos"]:
            r = masked.get(entry["path"])
            if r is not None:
                entry["redacted"] = {
                    "path": f"{channel.value}/{redaction.FOLDER}/{entry['path']}",
                    "sha256": r.copy_sha256,
                    "original_sha256": r.original_sha256,
                    "faces": list(r.faces),
                    "status": "a person must confirm",
                }
            elif entry["path"] in not_masked:
                entry["redacted"] = {"error": not_masked[entry["path"]]}
        stripping = stripped.get(channel)
        if stripping is None:
            continue
        made = {readable(m.rel): m for m in stripping.made}
        for entry in doc["photos"]:
            m = made.get(entry["path"])
            if m is not None:
                entry["copy"] = {
                    "sha256": m.copy_sha256,
                    "original_sha256": m.original_sha256,
                    "metadata": "stripped",
                }
    return document


def _same_source(out: Path, source: Path) -> None:
    """A sort removes the copies in OUT of photos that are not in its folder: sorting another
    folder into an OUT that holds copies from the first would remove all of them."""
    try:
        earlier = json.loads((out / "report.json").read_text(encoding="utf-8")).get("source")
    except (OSError, ValueError, AttributeError):
        return  # no report (yet), or one of an older fotopoort that did not record its source
    if not isinstance(earlier, str) or Path(earlier) == source.resolve():
        return
    holds = any(p.is_file() for ch in out.iterdir() if ch.is_dir() for p in ch.rglob("*"))
    if holds:
        raise UsageError(say(E.OUT_HOLDS_OTHER, out=out, earlier=earlier, source=source))


def _earlier_report(out: Path) -> list[dict[str, Any]]:
    try:
        channels = json.loads((out / "report.json").read_text(encoding="utf-8"))["channels"]
        return [doc for doc in channels if isinstance(doc, dict) and "channel" in doc]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def _report(
    out: Path,
    policy: Policy,
    snapshot: StoredSnapshot,
    results: dict[Channel, list[Checked]],
    earlier: list[dict[str, Any]],
    run: CheckRun,
    source: Path,
) -> dict[str, Any]:
    """report.json covers what OUT holds: channels not sorted by `run` keep their entries
    from the report before, as long as their folders are there."""
    documents = {ch.value: check_document(ch, snapshot, items) for ch, items in results.items()}
    sorting = {ch.value for ch in run.results}
    order = [ch.value for ch in policy.channels]
    kept = [
        doc
        for doc in earlier
        if doc["channel"] not in sorting
        and doc["channel"] in order
        and (out / str(doc["channel"])).is_dir()
    ]
    every = [*documents.values(), *kept]
    return {
        "source": str(source.resolve()),  # identity: the check that OUT holds this folder's
        "source_as_given": readable(str(source.absolute())),
        "channels": sorted(every, key=lambda d: order.index(d["channel"])),
    }


def snapshot_label(snapshot: StoredSnapshot) -> str:
    snap = snapshot.snapshot
    return f"{snap.source} (snapshot {snapshot.id}, sha256 {snap.sha256[:12]})"


def write_report(
    policy: Policy,
    run: CheckRun,
    target: Path,
    redacted: dict[tuple[Channel, str], str] | None = None,
) -> Path:
    """The HTML report of a check or sort run, mode 0600. `redacted`: (channel, rel) -> the
    redacted copy's path under OUT."""
    report = build_report(
        run.results,
        run.snapshot.snapshot,
        snapshot_label(run.snapshot),
        max_pixels=policy.max_pixels,
        redacted=redacted,
    )
    write_html(target, render(report))
    return target


def report(
    policy: Policy,
    store: Store,
    paths: Sequence[Path],
    channels: Sequence[Channel],
    target: Path,
    engine_factory: EngineFactory,
    *,
    group: str | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
) -> CheckRun:
    """Check without copying, and write what a person should look at as one HTML file."""
    if target.is_dir():
        raise UsageError(say(E.REPORT_IS_FOLDER, target=target))
    run = check(
        policy,
        store,
        paths,
        channels,
        engine_factory,
        group=group,
        jobs=jobs,
        progress=progress,
        thumbnails=True,
    )
    write_report(policy, run, target)
    return run


# --- recheck: what must come down after a consent change ---------------------------------


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
        CopyDown(a, _copy_no_longer_holds(store, snapshot, a) or "approval void")
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
        gone = PhotoAnalysis((), "the photo changed or is gone, and its analysis was deleted")
        return CheckedPhoto(photo, prev.sha256, gone, prev.settings)
    return CheckedPhoto(photo, prev.sha256, analysis_from_json(cached), prev.settings)


# --- review --------------------------------------------------------------------------------


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
    try:
        sha = hashlib.sha256(photo.read_bytes()).hexdigest()
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
    policy: Policy, store: Store, photo: Path, face: int, child: str | None, by: str, note: str
) -> list[Checked]:
    """A person says who face `face` (1-based, as in the reasons) is: `child`, or (None) that it
    is not a child / not recognisable, so that no consent applies to it. Bound to the photo's
    content like every review: a photo whose bytes change is asked about again."""
    sha, rows = _decided(store, photo)
    snapshot = store.require_snapshot().snapshot
    if child is not None and child not in snapshot.children:
        raise UsageError(f"no child {child!r} in the current consent export")
    cached = _from_cache(store, rows[0]).analysis
    if not 1 <= face <= len(cached.faces):
        raise UsageError(f"{photo}: has {len(cached.faces)} face(s); --face must be 1 to that")
    if cached.faces[face - 1].status is FaceStatus.IDENTIFIED:
        # the machine recognised an enrolled child here: a person's word cannot make that
        # face someone else, or nobody (that would let a child without consent out)
        raise UsageError(
            f"{photo}: face {face} is identified already; only unknown, ambiguous or small "
            "faces can be assigned (a wrong identification: report it, and `fotopoort forget` "
            "and re-enrol the child with better reference photos)"
        )
    store.add_assignment(sha, face - 1, child, by, note)
    return _redecide(policy, store, rows, by, note)


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
        raise UsageError(f"{photo}: not checked for {channel} yet")
    snapshot = store.require_snapshot().snapshot
    photo_now = _from_cache(store, rows[0])
    analysis, decision = _decide(store, photo_now, snapshot, channel, group)
    if decision.verdict is Verdict.BLOCKED:
        why = "; ".join(
            reason_text(r, snapshot) for r in decision.reasons if r.code is not ReasonCode.CONSENT
        )
        raise UsageError(f"{photo}: is blocked for {channel} ({why}); a review cannot allow it")
    if decision.verdict is Verdict.ALLOWED:
        raise UsageError(f"{photo}: is already allowed for {channel}")
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
        raise UsageError(f"{photo}: not checked for {channel} yet")
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
        raise UsageError(f"{photo}: changed since it was checked: check it again") from None
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
        raise UsageError(
            f"{path}: an older redacted copy of its photo: sort --redact again, look at the new one"
        )
    if copy.snapshot_id != current:
        raise UsageError(
            f"{path}: made under an older consent export: run sort --redact and look again"
        )
    decided = store.decided_contents(channel.value).get(copy.original_sha256, set())
    if (Verdict.ALLOWED.value, current) in decided:
        raise UsageError(f"{path}: its photo is allowed for {channel} as it is")
    store.approve_copy(channel.value, copy, by, note)
    return copy


def audit(
    store: Store, since: str | None, photo: Path | None, child: str | None
) -> list[dict[str, Any]]:
    sha = path = None
    if photo is not None:
        path = str(photo.resolve())
        if photo.is_file():
            sha = hashlib.sha256(photo.read_bytes()).hexdigest()
    return _with_messages(
        store, store.audit_entries(since=since, photo_sha256=sha, path=path, child=child)
    )


def _with_messages(store: Store, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each stored reason with its `message` in this run's language, children named from the
    current snapshot (the audit trail itself holds codes and numbers only). An entry written
    before reasons were codes keeps the message it stored."""
    current = store.current_snapshot()
    consents = current.snapshot if current is not None else None
    for entry in entries:
        entry["reasons"] = [
            {**r, "message": stored_reason_text(r, consents)} for r in entry["reasons"]
        ]
    return entries

"""`check`, `sort` and `report`: scan, decide per channel, place copies, write the reports."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from fotopoort import faults
from fotopoort.channels import Channel
from fotopoort.commands.deciding import _decide, _record, _stored_path
from fotopoort.config import Policy
from fotopoort.errors import UsageError
from fotopoort.messages import errors as E
from fotopoort.messages import render as say
from fotopoort.model import (
    Action,
    Checked,
    Verdict,
)
from fotopoort.pool import Progress
from fotopoort.publish import redaction
from fotopoort.publish.copies import LINKED, TMP_DIR, clear_temp, place_copies, take_down
from fotopoort.publish.derived import REDACTED, STRIPPED, MadeCopy, Stripping
from fotopoort.reports.build import build_report
from fotopoort.reports.html import render, write_html
from fotopoort.reports.json import (
    check_document,
    check_out_dir,
    write_json,
)
from fotopoort.reports.model import track_id
from fotopoort.reports.thumbnails import THUMBNAIL_SIDE
from fotopoort.scan import (
    EngineFactory,
    ScanSettings,
    find_photos,
    readable,
    scan,
)
from fotopoort.store import (
    CopyApproval,
    CopyRecord,
    Store,
    StoredSnapshot,
)


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


def _with_track_thumbnails(document: dict[str, Any], items: Sequence[Checked]) -> dict[str, Any]:
    """Each video track's `thumbnail`: where report.html beside report.json shows it (the
    thumbnails are embedded there, as a photo's are; ids by content, reports/model.track_id)."""
    for entry, item in zip(document["photos"], items, strict=True):
        sha = item.photo.sha256
        for number, face in enumerate(entry["faces"], start=1):
            if sha is not None and "frame" in face:
                face["thumbnail"] = f"{REPORT_HTML}#{track_id(sha, number)}"
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
    documents = {
        ch.value: _with_track_thumbnails(check_document(ch, snapshot, items), items)
        for ch, items in results.items()
    }
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

"""One typed function per command: what the CLI calls after parsing, before rendering."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .channels import Channel
from .config import Policy
from .consents import ConsentSnapshot, read_export
from .decide import decide
from .enrol import EnrolReport, Progress, enrol_folder
from .errors import UsageError
from .output import Checked, check_document, check_out_dir, sort_copies, write_json
from .scan import EngineFactory, ScanSettings, find_photos, scan
from .store import ImportOutcome, Store, StoredSnapshot


@dataclass(frozen=True)
class ImportResult:
    snapshot: ConsentSnapshot  # as read, with its notes
    outcome: ImportOutcome


def import_consents(policy: Policy, store: Store, export: Path) -> ImportResult:
    snap = read_export(export, policy)
    outcome = store.import_snapshot(snap, tuple(policy.channels))
    return ImportResult(snap, outcome)


def enroll(
    policy: Policy,
    store: Store,
    refdir: Path,
    engine_factory: EngineFactory,
    progress: Progress | None = None,
) -> EnrolReport:
    snapshot = store.require_snapshot().snapshot
    return enrol_folder(
        refdir, snapshot, store, engine_factory(), policy.detection, policy.max_pixels, progress
    )


@dataclass(frozen=True)
class CheckRun:
    snapshot: StoredSnapshot
    results: dict[Channel, list[Checked]]

    def any_not_allowed(self) -> bool:
        return any(
            item.decision.verdict.value != "allowed"
            for items in self.results.values()
            for item in items
        )


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
) -> CheckRun:
    snapshot = store.require_snapshot()
    if group is not None:
        groups = {c.group.casefold() for c in snapshot.snapshot.children.values()}
        if group.casefold() not in groups:
            known = ", ".join(sorted({c.group for c in snapshot.snapshot.children.values()}))
            raise UsageError(f"unknown stamgroep {group!r} (the export has: {known})")
    photos = find_photos(paths)
    settings = ScanSettings(policy.detection, policy.thresholds, policy.max_pixels)
    checked = scan(photos, store, engine_factory, settings, jobs=jobs, progress=progress)
    results = {
        ch: [Checked(p, decide(p.analysis, snapshot.snapshot, ch, group)) for p in checked]
        for ch in channels
    }
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
) -> CheckRun:
    if not source.is_dir():
        raise UsageError(f"{source}: not a folder")
    check_out_dir(out, [source])
    run = check(
        policy, store, [source], channels, engine_factory, group=group, jobs=jobs, progress=progress
    )
    for channel, items in run.results.items():
        sort_copies(out, channel, items)
    write_json(
        out / "report.json",
        {
            "channels": [
                check_document(ch, run.snapshot, items) for ch, items in run.results.items()
            ]
        },
    )
    return run

"""`consents import` and `consents diff`, and `purge` (retention in consents.yaml)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fotopoort import guard
from fotopoort.config import Policy
from fotopoort.consents import ConsentChange, diff_snapshots, read_export
from fotopoort.errors import ConfirmationNeeded, UsageError
from fotopoort.messages import audit as notes
from fotopoort.messages import errors as E
from fotopoort.messages import render as say
from fotopoort.model import (
    Action,
    ConsentSnapshot,
)
from fotopoort.store import (
    ImportOutcome,
    PurgeOutcome,
    Store,
    StoredSnapshot,
)


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
            raise ConfirmationNeeded(E.NOT_IMPORTED_OLDER, name=export.name, why=older)
        planned = diff_snapshots(before.snapshot, snap, tuple(policy.channels))
        problems = guard.mass_changes(planned, before.snapshot, store.enrolled_children())
        if problems and not yes:
            why = say(E.AND_ALSO).join(problems)
            raise ConfirmationNeeded(E.NOT_IMPORTED_MASS, name=export.name, why=why)
    outcome = store.import_snapshot(snap, tuple(policy.channels))
    changes: tuple[ConsentChange, ...] = ()
    if before is not None and not outcome.already_current:
        changes = tuple(diff_snapshots(before.snapshot, snap, tuple(policy.channels)))
    if not outcome.already_current:
        store.record_event(
            Action.IMPORT,
            by,
            say(
                notes.IMPORTED,
                "en",
                id=outcome.stored.id,
                source=snap.source,
                children=len(snap.children),
                changes=len(changes),
                forgotten=len(outcome.forgotten),
                older=say(notes.OLDER_OK, "en") if older_ok and before is not None else "",
            ),
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

"""The typed rows the store hands out: what a caller sees of a table, never an encoding."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fotopoort.messages import audit as notes
from fotopoort.messages import render
from fotopoort.model import Action, ConsentSnapshot


@dataclass(frozen=True)
class DerivedCopy:
    copy_sha256: str
    original_sha256: str
    rel: str
    snapshot_id: int  # the consent snapshot it was made under
    latest: bool  # the last copy made from its original for the channel
    faces: tuple[int, ...] = ()  # redacted: the faces it covers (1-based)


@dataclass(frozen=True)
class CopyRecord:
    """A copy made from decided content, as `record_derived_copies` keeps it."""

    rel: str
    original_sha256: str
    copy_sha256: str
    faces: tuple[int, ...] = ()  # redacted: covered (1-based)
    path: str | None = None  # absolute, when it is in allowed/ (stripped, linked)


@dataclass(frozen=True)
class PlacedCopy:
    """A copy fotopoort put in allowed/ whose bytes are not simply a copy of the original's
    file: they must still be these when recheck looks."""

    channel: str
    kind: str
    path: str
    sha256: str


@dataclass(frozen=True)
class CopyApproval:
    """A person's approval of a redacted copy for a channel (`review approve COPY`)."""

    id: int
    channel: str
    copy_sha256: str
    original_sha256: str
    faces: tuple[int, ...]  # covered (1-based); every other face must keep its consent
    by: str
    path: str | None  # the photo it was made from, once a sort placed it
    rel: str | None
    settings: str | None  # the analysis cache key it was placed on
    placed_at: str | None  # first placed in allowed/: from then on it may be out
    placed_path: str | None  # where (absolute)
    checked_snapshot_id: int | None  # the snapshot it last held under (sort or recheck)
    void_at: str | None


@dataclass(frozen=True)
class Forgotten:
    """A child `forget` was run for: when, and which snapshot was current then."""

    forgotten_at: str
    snapshot_id: int


@dataclass(frozen=True)
class StoredSnapshot:
    id: int
    imported_at: str
    snapshot: ConsentSnapshot


@dataclass(frozen=True)
class ImportOutcome:
    stored: StoredSnapshot
    already_current: bool
    forgotten: tuple[tuple[str, str], ...]  # (child, why) whose encodings were deleted


@dataclass(frozen=True)
class DecisionRecord:
    """One decision as the audit trail keeps it. Never an encoding."""

    path: str  # absolute path of the photo
    rel: str
    channel: str
    group: str | None
    sha256: str
    settings: str  # the analysis cache key it was based on
    decision: str
    reasons: list[dict[str, Any]]
    faces: list[dict[str, Any]]  # box, status, child, distance
    snapshot_id: int
    snapshot_sha256: str
    thresholds: dict[str, float]
    action: Action
    actor: str  # "fotopoort" or the person (--by)
    note: str | None = None
    shown: str | None = None  # the path as given (absolute, not resolved through links)


@dataclass(frozen=True)
class PreviousDecision:
    path: str
    rel: str
    channel: str
    group: str | None
    sha256: str
    settings: str
    decision: str  # the latest decision, recheck included
    basis: str  # the decision of the last check, sort or review: what may have gone out
    shown: str | None = None  # the path as given when it was last checked

    @property
    def display(self) -> str:
        """The path to show a person: as given (through the links they use), else `path`."""
        return self.shown or self.path


@dataclass(frozen=True)
class PurgeOutcome:
    """What `purge` deleted (or, with --dry-run, would delete)."""

    snapshots: tuple[tuple[int, str, str], ...]  # (id, source, replaced at)
    snapshot_children: int  # children's rows (names, answers) in those snapshots
    audit_entries: int
    snapshots_before: str
    audit_before: str
    derived_copies: int = 0  # records of copies made under purged snapshots, no longer used
    copy_approvals: int = 0  # approvals of redacted copies that no longer hold, nor wait

    def summary(self) -> str:
        """As the audit trail keeps it: English (messages/audit.py shows it translated)."""
        return render(
            notes.PURGED,
            "en",
            snapshots=len(self.snapshots),
            snapshots_before=self.snapshots_before[:10],
            children=self.snapshot_children,
            entries=self.audit_entries,
            audit_before=self.audit_before[:10],
            copies=self.derived_copies,
            approvals=self.copy_approvals,
        )


@dataclass(frozen=True)
class EnrolledChild:
    child: str
    references: int
    first_enrolled: str
    last_enrolled: str
